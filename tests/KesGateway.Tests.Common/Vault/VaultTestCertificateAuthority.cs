using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KesGateway.Tests.Common.Vault;

/// <summary>A throw-away ECDSA P-256 CA that issues server and client certificates, with PEM export for config files.</summary>
public sealed class VaultTestCertificateAuthority : IDisposable
{
    private static readonly DateTimeOffset NotBefore = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ECDsa _key;

    private VaultTestCertificateAuthority(ECDsa key, X509Certificate2 certificate)
    {
        _key = key;
        Certificate = certificate;
    }

    /// <summary>Gets the CA certificate (public part).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Gets the CA certificate as PEM, e.g. for a client's CA file.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    public static VaultTestCertificateAuthority Create(string commonName = "Vault Test CA")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var withKey = request.CreateSelfSigned(NotBefore, NotBefore.AddYears(75));
        return new VaultTestCertificateAuthority(key, X509CertificateLoader.LoadCertificate(withKey.RawData));
    }

    /// <summary>Issues a server certificate (EKU serverAuth) for the given DNS names and optionally 127.0.0.1, with its key.</summary>
    public X509Certificate2 IssueServerCertificate(IEnumerable<string> dnsNames, bool includeLoopback = true)
    {
        ArgumentNullException.ThrowIfNull(dnsNames);
        var names = dnsNames.ToList();
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        if (includeLoopback)
        {
            san.AddIpAddress(IPAddress.Loopback);
        }

        return Issue($"CN={names.FirstOrDefault() ?? "vault"}", "1.3.6.1.5.5.7.3.1", san);
    }

    /// <summary>Issues a client certificate (EKU clientAuth) with its key.</summary>
    public X509Certificate2 IssueClientCertificate(string commonName = "kes-client") => Issue($"CN={commonName}", "1.3.6.1.5.5.7.3.2", null);

    /// <summary>The certificate as PEM.</summary>
    public static string CertificatePemOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem();
    }

    /// <summary>The certificate's private key as PKCS#8 PEM.</summary>
    public static string PrivateKeyPemOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate has no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem();
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }

    private X509Certificate2 Issue(string subject, string usage, SubjectAlternativeNameBuilder? san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san.Build());
        }

        using var issuer = Certificate.CopyWithPrivateKey(_key);
        using var issued = request.Create(issuer, NotBefore, NotBefore.AddYears(50), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);

        // Through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}

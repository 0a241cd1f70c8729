using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KesGateway.Tests.Common;

/// <summary>Throw-away ECDSA certificates for identity and chain tests, and for servers and clients under test.</summary>
public static class TestCertificates
{
    private static readonly DateTimeOffset NotBefore = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A self-signed P-256 certificate without its key. <paramref name="certificateAuthority"/> null leaves out Basic
    /// Constraints; true or false writes them with that CA flag.
    /// </summary>
    public static X509Certificate2 Create(string commonName, bool? certificateAuthority)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        if (certificateAuthority is { } ca)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, critical: true));
        }

        using var withKey = request.CreateSelfSigned(NotBefore, NotBefore.AddDays(1));
        return X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    public static X509Certificate2 Leaf(string commonName = "leaf") => Create(commonName, certificateAuthority: false);

    public static X509Certificate2 Authority(string commonName = "ca") => Create(commonName, certificateAuthority: true);

    public static X509Certificate2 FromPem(string pem) => X509Certificate2.CreateFromPem(pem);

    /// <summary>An ECDSA P-256 server certificate for localhost and 127.0.0.1, with its key.</summary>
    public static X509Certificate2Collection CreateServer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(NotBefore, NotBefore.AddYears(75));
        return [X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null)];
    }

    /// <summary>An ECDSA P-256 client certificate (EKU clientAuth), with its key, that a .NET client can present.</summary>
    public static X509Certificate2 CreateClient(string subject = "CN=client", bool isCertificateAuthority = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCertificateAuthority, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var cert = request.CreateSelfSigned(NotBefore, NotBefore.AddYears(75));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KesGateway.Core.Identity;

/// <summary>Generates self-signed certificate and key pairs for <c>kesgw identity new --key --cert</c>.</summary>
public static class IdentityCertificateGenerator
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>
    /// Creates a certificate with KeyUsage digitalSignature, EKU clientAuth and serverAuth, CA=false, the given SANs,
    /// valid from now; the Subject CN defaults to the new identity, as with <c>kes identity new</c>.
    /// </summary>
    public static IdentityCertificate Generate(IdentityCertificateOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (options.Validity <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Validity, "The validity must be positive.");
        }

        var notBefore = timeProvider.GetUtcNow();
        var notAfter = notBefore + options.Validity;
        return options.KeyType switch
        {
            CertificateKeyType.Ecdsa => GenerateEcdsa(options, notBefore, notAfter),
            CertificateKeyType.Ed25519 => GenerateEd25519(options, notBefore, notAfter),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.KeyType, "Unknown key type."),
        };
    }

    private static IdentityCertificate GenerateEd25519(
        IdentityCertificateOptions options,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter)
    {
        var apiKey = ApiKey.Generate();
        try
        {
            var certificate = Ed25519CertificateBuilder.Build(
                apiKey,
                options.Subject ?? apiKey.Identity.Value,
                notBefore,
                notAfter,
                serverAuth: true,
                options.DnsNames,
                options.IPAddresses);
            return new IdentityCertificate(
                certificate.Identity,
                certificate.ExportCertificatePem(),
                certificate.ExportPrivateKeyPem(),
                apiKey);
        }
        catch
        {
            apiKey.Dispose();
            throw;
        }
    }

    private static IdentityCertificate GenerateEcdsa(
        IdentityCertificateOptions options,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // The default CN is the identity, known before signing because it depends only on the public key.
        var expectedIdentity = KesIdentity.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(options.Subject ?? expectedIdentity.Value);
        var name = subject.Build();

        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(ClientAuthOid), new Oid(ServerAuthOid)],
            critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        if (options.DnsNames.Count + options.IPAddresses.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in options.DnsNames)
            {
                san.AddDnsName(dns);
            }

            foreach (var ip in options.IPAddresses)
            {
                san.AddIpAddress(ip);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        using var certificate = request.Create(
            name,
            X509SignatureGenerator.CreateForECDsa(key),
            notBefore,
            notAfter,
            CertificateSerialNumber.NewRandom());

        var identity = CertificateIdentity.Of(certificate);
        if (identity != expectedIdentity)
        {
            throw new CryptographicException("The certificate's public key encoding differs from the key's own.");
        }

        return new IdentityCertificate(
            identity,
            certificate.ExportCertificatePem() + "\n",
            key.ExportPkcs8PrivateKeyPem() + "\n",
            apiKey: null);
    }
}

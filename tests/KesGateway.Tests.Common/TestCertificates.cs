using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KesGateway.Tests.Common;

/// <summary>Throw-away ECDSA certificates for identity and chain tests.</summary>
public static class TestCertificates
{
    /// <summary>
    /// A self-signed P-256 certificate. <paramref name="certificateAuthority"/> null leaves out Basic Constraints;
    /// true or false writes them with that CA flag.
    /// </summary>
    public static X509Certificate2 Create(string commonName, bool? certificateAuthority)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        if (certificateAuthority is { } ca)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, critical: true));
        }

        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var withKey = request.CreateSelfSigned(now, now.AddDays(1));
        return X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    public static X509Certificate2 Leaf(string commonName = "leaf") => Create(commonName, certificateAuthority: false);

    public static X509Certificate2 Authority(string commonName = "ca") => Create(commonName, certificateAuthority: true);

    public static X509Certificate2 FromPem(string pem) => X509Certificate2.CreateFromPem(pem);
}

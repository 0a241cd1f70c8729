using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Identity;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Identity;

public class ClientCertificateFactoryTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 30, 45, TimeSpan.Zero);

    [Fact]
    public void Create_ApiKey_CertificateIdentityEqualsApiKeyIdentity()
    {
        using var apiKey = ApiKey.Parse("kes:v1:ABfa1xsnIV0lltXQC8tHXic8lte7J6hT7EoGv6+s5QCW");

        var certificate = Create(apiKey);

        Assert.Equal("cf6c535e738c1dd47a1d746366fde7f0309d1e0a8471b9f6e909833906afbbfa", certificate.Identity.Value);
        Assert.Equal(apiKey.Identity, CertificateIdentity.Of(certificate.RawData.Span));
        using var x509 = certificate.ToX509Certificate2();
        Assert.Equal(apiKey.Identity, CertificateIdentity.Of(x509));
        Assert.Equal(apiKey.Identity, CertificateIdentity.FromChain([x509]));
    }

    [Fact]
    public void Create_ApiKey_SubjectAndIssuerAreIdentityCn()
    {
        using var apiKey = ApiKey.Generate();

        using var x509 = Create(apiKey).ToX509Certificate2();

        Assert.Equal("CN=" + apiKey.Identity.Value, x509.Subject);
        Assert.Equal(x509.Subject, x509.Issuer);
    }

    [Fact]
    public void Create_FakeClock_ValidFromNowFor90Days()
    {
        using var apiKey = ApiKey.Generate();

        var certificate = Create(apiKey);

        Assert.Equal(Now.UtcDateTime, certificate.Certificate.NotBefore.ToUniversalTime());
        Assert.Equal(Now.AddDays(90).UtcDateTime, certificate.Certificate.NotAfter.ToUniversalTime());
        using var x509 = certificate.ToX509Certificate2();
        Assert.Equal(Now, new DateTimeOffset(x509.NotBefore.ToUniversalTime()));
        Assert.Equal(Now.AddDays(90), new DateTimeOffset(x509.NotAfter.ToUniversalTime()));
    }

    [Fact]
    public void Create_ApiKey_HasKesClientExtensionsOnly()
    {
        using var apiKey = ApiKey.Generate();

        using var x509 = Create(apiKey).ToX509Certificate2();

        Assert.Equal(3, x509.Version);
        var keyUsage = Assert.Single(x509.Extensions.OfType<X509KeyUsageExtension>());
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, keyUsage.KeyUsages);
        Assert.True(keyUsage.Critical);
        var eku = Assert.Single(x509.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal("1.3.6.1.5.5.7.3.2", Assert.Single(eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()).Value);
        var basic = Assert.Single(x509.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.False(basic.CertificateAuthority);
        Assert.False(basic.HasPathLengthConstraint);
        Assert.True(basic.Critical);
        Assert.Null(x509.Extensions["2.5.29.17"]);
        Assert.Equal(3, x509.Extensions.Count);
        Assert.False(CertificateIdentity.IsCertificateAuthority(x509));
    }

    [Fact]
    public void Create_ApiKey_Ed25519SelfSignedWith128BitSerial()
    {
        using var apiKey = ApiKey.Generate();

        var certificate = Create(apiKey);

        Assert.Equal("1.3.101.112", certificate.Certificate.SigAlgOid);
        certificate.Certificate.Verify(certificate.Certificate.GetPublicKey());
        Assert.True(certificate.Certificate.SerialNumber.SignValue > 0);
        Assert.True(certificate.Certificate.SerialNumber.BitLength <= 128);
        Assert.Equal(apiKey.PublicKey.ToArray(), certificate.PrivateKey.GeneratePublicKey().GetEncoded());
    }

    [Fact]
    public void Create_TwoCertificates_HaveDifferentSerials()
    {
        using var apiKey = ApiKey.Generate();

        Assert.NotEqual(Create(apiKey).Certificate.SerialNumber, Create(apiKey).Certificate.SerialNumber);
    }

    [Fact]
    public void ExportPem_Certificate_RoundTripsThroughDotNetAndPrivateKeyIsApiKey()
    {
        using var apiKey = ApiKey.Generate();
        var certificate = Create(apiKey);

        using var fromPem = X509Certificate2.CreateFromPem(certificate.ExportCertificatePem());
        using var fromKey = ApiKey.FromPkcs8PrivateKeyPem(certificate.ExportPrivateKeyPem());

        Assert.Equal(certificate.RawData.ToArray(), fromPem.RawData);
        Assert.Equal(apiKey.ToString(), fromKey.ToString());
    }

    private static Ed25519Certificate Create(ApiKey apiKey) =>
        ClientCertificateFactory.Create(apiKey, new FakeTimeProvider(Now));
}

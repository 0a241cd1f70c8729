using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Identity;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Identity;

public class IdentityCertificateGeneratorTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 12, 9, 35, 18, TimeSpan.Zero);

    [Theory]
    [InlineData(CertificateKeyType.Ecdsa)]
    [InlineData(CertificateKeyType.Ed25519)]
    public void Generate_Defaults_CnIsIdentityAndValidFor720Hours(CertificateKeyType type)
    {
        using var generated = Generate(new IdentityCertificateOptions { KeyType = type });
        using var certificate = X509Certificate2.CreateFromPem(generated.CertificatePem);

        Assert.Equal("CN=" + generated.Identity.Value, certificate.Subject);
        Assert.Equal(generated.Identity, CertificateIdentity.Of(certificate));
        Assert.Equal(Now, new DateTimeOffset(certificate.NotBefore.ToUniversalTime()));
        Assert.Equal(Now.AddHours(720), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        Assert.Null(certificate.Extensions["2.5.29.17"]);
    }

    [Theory]
    [InlineData(CertificateKeyType.Ecdsa)]
    [InlineData(CertificateKeyType.Ed25519)]
    public void Generate_SubjectAndSans_WritesThemLikeKes(CertificateKeyType type)
    {
        var options = new IdentityCertificateOptions
        {
            KeyType = type,
            Subject = "kes-server.local",
            DnsNames = ["localhost", "kes.local"],
            IPAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback],
            Validity = TimeSpan.FromHours(8760),
        };

        using var generated = Generate(options);
        using var certificate = X509Certificate2.CreateFromPem(generated.CertificatePem);

        Assert.Equal("CN=kes-server.local", certificate.Subject);
        Assert.Equal(Now.AddHours(8760), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["localhost", "kes.local"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
        var eku = Assert.Single(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Equal(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"], eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages);
        Assert.False(CertificateIdentity.IsCertificateAuthority(certificate));
        Assert.NotNull(certificate.Extensions["2.5.29.19"]);
    }

    [Fact]
    public void Generate_Ecdsa_PairLoadsInDotNetWithPrivateKey()
    {
        using var generated = Generate(new IdentityCertificateOptions());

        using var certificate = X509Certificate2.CreateFromPem(generated.CertificatePem, generated.PrivateKeyPem);

        Assert.True(certificate.HasPrivateKey);
        Assert.Null(generated.ApiKey);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", generated.PrivateKeyPem);
        using var key = certificate.GetECDsaPrivateKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value);
    }

    [Fact]
    public void Generate_Ed25519_PrivateKeyIsTheApiKeyAndIdentitiesAgree()
    {
        using var generated = Generate(new IdentityCertificateOptions { KeyType = CertificateKeyType.Ed25519 });

        using var fromPem = ApiKey.FromPkcs8PrivateKeyPem(generated.PrivateKeyPem);

        Assert.NotNull(generated.ApiKey);
        Assert.Equal(generated.ApiKey.ToString(), fromPem.ToString());
        Assert.Equal(generated.ApiKey.Identity, generated.Identity);
        Assert.Equal("1.3.101.112", X509Certificate2.CreateFromPem(generated.CertificatePem).SignatureAlgorithm.Value);
    }

    [Fact]
    public void Generate_NonPositiveValidity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Generate(new IdentityCertificateOptions { Validity = TimeSpan.Zero }));
    }

    [Fact]
    public void Generate_Ecdsa_SerialIsPositive16Bytes()
    {
        using var generated = Generate(new IdentityCertificateOptions());
        using var certificate = X509Certificate2.CreateFromPem(generated.CertificatePem);

        var serial = certificate.SerialNumberBytes.Span;

        Assert.Equal(16, serial.Length);
        Assert.True(serial[0] is >= 0x40 and < 0x80, "positive, minimal DER, never zero");
    }

    private static IdentityCertificate Generate(IdentityCertificateOptions options) =>
        IdentityCertificateGenerator.Generate(options, new FakeTimeProvider(Now));
}

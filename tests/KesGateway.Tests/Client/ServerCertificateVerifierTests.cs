using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Client;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Client;

public sealed class ServerCertificateVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public void Verify_TrustedRootAndMatchingName_Passes(string host)
    {
        using var ca = CreateCa();
        using var leaf = CreateLeaf(ca, Now.AddDays(-1), Now.AddDays(30));
        var sut = CreateSut(ca);

        Assert.Null(sut.Verify([leaf.RawData, ca.RawData], host));
    }

    [Fact]
    public void Verify_IntermediateOmittedButRootTrusted_StillFindsTheLeafIssuer()
    {
        using var ca = CreateCa();
        using var leaf = CreateLeaf(ca, Now.AddDays(-1), Now.AddDays(30));
        var sut = CreateSut(ca);

        Assert.Null(sut.Verify([leaf.RawData], "localhost"));
    }

    [Fact]
    public void Verify_OtherHost_NamesTheCertificatesNames()
    {
        using var ca = CreateCa();
        using var leaf = CreateLeaf(ca, Now.AddDays(-1), Now.AddDays(30));
        var sut = CreateSut(ca);

        var failure = sut.Verify([leaf.RawData], "kes.example.net");

        Assert.Equal("the certificate is not valid for 'kes.example.net' (it names localhost, 127.0.0.1)", failure);
    }

    [Fact]
    public void Verify_Expired_SaysSo()
    {
        using var ca = CreateCa();
        using var leaf = CreateLeaf(ca, Now.AddDays(-30), Now.AddDays(-1));
        var sut = CreateSut(ca);

        var failure = sut.Verify([leaf.RawData], "localhost");

        Assert.StartsWith("the certificate has expired or is not yet valid", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_UnknownAuthority_SaysSo()
    {
        using var ca = CreateCa();
        using var otherCa = CreateCa("CN=other");
        using var leaf = CreateLeaf(ca, Now.AddDays(-1), Now.AddDays(30));
        var sut = CreateSut(otherCa);

        var failure = sut.Verify([leaf.RawData], "localhost");

        Assert.Equal("the certificate is signed by an unknown authority (issuer 'CN=test-ca')", failure);
    }

    [Fact]
    public void LoadCaBundle_EmptyFile_IsAClearError()
    {
        var file = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<ArgumentException>(() => ServerCertificateVerifier.LoadCaBundle(file));

            Assert.Contains("contains no PEM CERTIFICATE block", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void LoadCaBundle_MissingFile_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => ServerCertificateVerifier.LoadCaBundle("/nonexistent/ca.pem"));

        Assert.Contains("/nonexistent/ca.pem", error.Message, StringComparison.Ordinal);
    }

    private static ServerCertificateVerifier CreateSut(X509Certificate2 root) =>
        new([X509CertificateLoader.LoadCertificate(root.RawData)], new FakeTimeProvider(Now));

    private static X509Certificate2 CreateCa(string subject = "CN=test-ca")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(Now.AddYears(-1), Now.AddYears(10));
    }

    private static X509Certificate2 CreateLeaf(X509Certificate2 ca, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        return request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
    }
}

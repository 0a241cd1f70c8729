using System.Security.Authentication;
using KesGateway.Core.Client;
using KesGateway.Core.Identity;

namespace KesGateway.Tests.Client;

public sealed class KesClientOptionsTests
{
    [Fact]
    public void Constructor_NoEndpoint_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new KesClient(new KesClientOptions()));

        Assert.StartsWith("no server endpoint specified", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ApiKeyAndCertificate_Throws()
    {
        using var apiKey = ApiKey.Generate();

        var error = Assert.Throws<ArgumentException>(() => new KesClient(new KesClientOptions
        {
            Endpoints = ["127.0.0.1:7373"],
            ApiKey = apiKey,
            CertificateFile = "client.cert",
            PrivateKeyFile = "client.key",
        }));

        Assert.StartsWith("API key and client certificate cannot be used at the same time", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CertificateWithoutKey_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new KesClient(new KesClientOptions
        {
            Endpoints = ["127.0.0.1:7373"],
            CertificateFile = "client.cert",
        }));

        Assert.StartsWith("a client certificate needs its private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_OnlyOldTls_Throws()
    {
#pragma warning disable CA5397, SYSLIB0039 // The point is that the client refuses the deprecated version.
        var protocols = SslProtocols.Tls11;
#pragma warning restore CA5397, SYSLIB0039

        var error = Assert.Throws<ArgumentException>(() => new KesClient(new KesClientOptions { Endpoints = ["127.0.0.1:7373"], TlsProtocols = protocols }));

        Assert.StartsWith("TLS 1.2 or TLS 1.3 must be enabled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoTlsVersion_MeansTheDefault()
    {
        using var sut = new KesClient(new KesClientOptions { Endpoints = ["127.0.0.1:7373"], TlsProtocols = SslProtocols.None });

        Assert.Null(sut.Identity);
    }

    [Fact]
    public void Constructor_ApiKey_ExposesItsIdentityAndNormalisedEndpoints()
    {
        using var apiKey = ApiKey.Parse("kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc");

        using var sut = new KesClient(new KesClientOptions { Endpoints = ["http://127.0.0.1:7373", "kes:7373"], ApiKey = apiKey });

        Assert.Equal("3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22", sut.Identity?.Value);
        Assert.Equal(["https://127.0.0.1:7373", "https://kes:7373"], sut.Endpoints);
    }
}

using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Server;

/// <summary>Request targets HttpClient would normalise away, sent byte for byte over TLS.</summary>
public sealed class RawRequestTests
{
    [Theory]
    [InlineData("/v1/key/create/../create/x", "/v1/key/create/x")]
    [InlineData("/v1/key/create/./x", "/v1/key/create/x")]
    [InlineData("/v1/key/create/%2E%2E/create/x", "/v1/key/create/x")]
    [InlineData("/v1//key/list/", "/v1/key/list/")]
    public async Task UncleanPath_IsRedirectedToTheCleanPath_AsServeMuxDoes(string target, string location)
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));

        var response = await SendRawAsync(server, admin, $"POST {target} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 301", response, StringComparison.Ordinal);
        Assert.Contains($"\r\nLocation: {location}\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncodedSlashInName_IsDecodedOnce_AndRefusedAsAName()
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));

        var response = await SendRawAsync(server, admin, "POST /v1/key/create/a%252Fb HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.EndsWith("{\"message\":\"key name 'a%2Fb' is empty, too long or contains invalid characters\"\n}", response, StringComparison.Ordinal);
    }

    private static async Task<string> SendRawAsync(TestServer server, X509Certificate2 client, string request)
    {
        var ct = TestContext.Current.CancellationToken;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Address.Host, server.Address.Port, ct);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [client],
#pragma warning disable CA5359 // a throwaway server certificate made for this test
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
        }, ct);
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        using var reader = new StreamReader(tls, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }
}

using System.Net;
using System.Text;
using KesGateway.Tests.Common.Proxy;
using EventIds = KesGateway.Server.EventIds;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>Requests and answers pass the proxy unchanged, except the headers that could carry someone else's identity.</summary>
public sealed class KesProxyForwardingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forward_PutWithQueryAndBody_UpstreamSeesTheSameRequest()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", upstream)]);
        using var client = host.CreateClient();

        const string Body = "{\"plaintext\":\"aGVsbG8=\",\"context\":null}";
        using var response = await client.PutAsync(
            new Uri("/v1/key/encrypt/my-key?x=1&y=%2F", UriKind.Relative), new StringContent(Body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"upstream\":\"a\"}\n", await response.Content.ReadAsStringAsync(Ct));
        var seen = Assert.Single(upstream.Calls);
        Assert.Equal("PUT", seen.Method);
        Assert.Equal("/v1/key/encrypt/my-key", seen.Path);
        Assert.Equal("?x=1&y=%2F", seen.Query);
        Assert.Equal(Body, seen.BodyText);
        Assert.Equal("application/json; charset=utf-8", seen.Headers["Content-Type"]);

        // YARP's data protection (for affinity cookies the gateway never sets) neither reads nor writes a key ring.
        Assert.DoesNotContain(host.Logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore.DataProtection.Repositories", StringComparison.Ordinal)
            || e.Category.StartsWith("Microsoft.AspNetCore.DataProtection.Internal", StringComparison.Ordinal)
            || e.Category.EndsWith("KeyRingProvider", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(400, "key already exists")]
    [InlineData(404, "key does not exist")]
    [InlineData(500, "failed to encrypt plaintext")]
    [InlineData(502, "failed to read key")]
    [InlineData(503, "not ready")]
    public async Task Forward_UpstreamError_PassesThroughUnchanged(int status, string message)
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        var answer = UpstreamResponse.Error(status, message) with { Headers = new Dictionary<string, string> { ["X-Kes-Trace"] = "t-1" } };
        upstream.Responder = _ => answer;
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", upstream)]);
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri("/v1/key/describe/my-key", UriKind.Relative), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(answer.Body, await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("t-1", Assert.Single(response.Headers.GetValues("X-Kes-Trace")));
        Assert.Empty(host.Logs.OfEvent(EventIds.UpstreamForwardFailed));
    }

    [Fact]
    public async Task Forward_IdentityHeaders_AreRemovedAndHostIsTheUpstreams()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", upstream)], identityHeaders: ["X-Our-Proxy-Cert"]);
        using var client = host.CreateClient();
        string[] identityHeaders =
        [
            "X-Tls-Client-Certificate", "X-Forwarded-Client-Cert", "X-Client-Cert", "X-SSL-Client-Cert", "Ssl-Client-Cert",
            "X-Client-Identity", "X-Our-Proxy-Cert",
        ];

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/key/list/*");
        foreach (var name in identityHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, "-----BEGIN CERTIFICATE-----forged");
        }

        request.Headers.TryAddWithoutValidation("X-Keep", "kept");
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(upstream.Calls);
        Assert.All(identityHeaders, name => Assert.False(seen.Headers.ContainsKey(name), name + " reached the upstream"));
        Assert.Equal("kept", seen.Headers["X-Keep"]);
        Assert.Equal(upstream.Address.Authority, seen.Host);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task Forward_UpstreamSeesTheGatewaysClientCertificate(string clientHttpVersion)
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", upstream)]);
        using var client = host.CreateClient(Version.Parse(clientHttpVersion));

        using var response = await client.GetAsync(new Uri("/v1/identity/self/describe", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(upstream.Calls);
        Assert.Equal(identity.Identity, seen.ClientIdentity);

        // YARP talks HTTP/2 to the upstream whatever the client spoke, as KES's Go SDK does.
        Assert.Equal("HTTP/2", seen.Protocol);
    }

    [Fact]
    public async Task Forward_Head_IsForwardedWithoutBody()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", upstream)]);
        using var client = host.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/version"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HEAD", Assert.Single(upstream.Calls).Method);
    }
}

using System.Net;
using System.Text.Json;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>A whole standalone KesGateway as the upstream: the proxy's identity is that server's admin.</summary>
public sealed class KesProxyToGatewayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forward_ToStandaloneGateway_CreatesAndListsKeysAsItsAdmin()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await TestServer.StartAsync(TestServer.Config(identity.Identity));
        var config = new UpstreamConfig
        {
            Name = "kes",
            Endpoints = [upstream.Address],
            Tls = identity.Tls(upstream.Certificate),
            Health = new HealthCheckConfig { Active = true, Passive = true },
        };
        await using var host = await ProxyTestHost.StartAsync([config]);
        using var client = host.CreateClient();

        using var create = await client.PutAsync(new Uri("/v1/key/create/proxied-key", UriKind.Relative), null, Ct);
        using var list = await client.GetAsync(new Uri("/v1/key/list/*", UriKind.Relative), Ct);
        using var missing = await client.GetAsync(new Uri("/v1/key/describe/no-such-key", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var keys = JsonDocument.Parse(await list.Content.ReadAsStringAsync(Ct));
        Assert.Contains("proxied-key", keys.RootElement.GetProperty("names").EnumerateArray().Select(k => k.GetString()));

        // The upstream's own errors come back as it wrote them.
        Assert.Equal("key does not exist", await ProxyAssert.KesErrorAsync(missing, HttpStatusCode.NotFound));
        Assert.Contains(identity.Identity, await upstream.Audit.WaitForAsync("/v1/key/describe/no-such-key"), StringComparison.Ordinal);
    }
}

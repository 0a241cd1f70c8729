using System.Net;
using KesGateway.Tests.Common.Proxy;
using EventIds = KesGateway.Server.EventIds;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>Reads fail over to another endpoint; nothing else is ever sent twice.</summary>
public sealed class KesProxyFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_OneOfTwoEndpointsStopped_EveryRequestSucceeds()
    {
        using var identity = new GatewayIdentity();
        await using var dead = await KesUpstreamDouble.StartAsync("dead");
        await using var alive = await KesUpstreamDouble.StartAsync("alive");
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", dead, alive)]);
        await dead.StopAsync();
        using var client = host.CreateClient();

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync(new Uri($"/v1/key/describe/key-{i}", UriKind.Relative), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            Assert.Equal("alive", Assert.Single(response.Headers.GetValues("X-Upstream")));
        }

        Assert.Equal(20, alive.Calls.Count);

        // Load balancing picks either endpoint; 20 picks all missing the dead one happen once in a million runs.
        var failover = host.Logs.OfEvent(EventIds.UpstreamFailover);
        Assert.NotEmpty(failover);
        Assert.All(failover, e => Assert.Contains(dead.Address.Authority, e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("PUT", "/v1/key/create/")]
    [InlineData("POST", "/v1/key/import/")]
    [InlineData("DELETE", "/v1/key/delete/")]
    public async Task NonIdempotentCall_ToStoppedEndpoint_IsDeliveredOnceToAnother(string method, string route)
    {
        using var identity = new GatewayIdentity();
        await using var dead = await KesUpstreamDouble.StartAsync("dead");
        await using var alive = await KesUpstreamDouble.StartAsync("alive");
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", dead, alive)]);
        await dead.StopAsync();
        using var client = host.CreateClient();

        // A refused connection means nothing was sent, so the call goes to the other endpoint: its first delivery.
        var sent = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var key = $"key-{i}";
            using var request = new HttpRequestMessage(new HttpMethod(method), route + key);
            if (method != "DELETE")
            {
                request.Content = new StringContent("{\"key\":\"AAAA\"}");
            }

            using var response = await client.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            sent.Add(route + key);
        }

        Assert.Equal(sent, alive.Calls.Select(c => c.Path));
        Assert.All(alive.Calls.Where(c => method != "DELETE"), c => Assert.Equal("{\"key\":\"AAAA\"}", System.Text.Encoding.UTF8.GetString(c.Body)));
        Assert.NotEmpty(host.Logs.OfEvent(EventIds.UpstreamFailover));
    }

    [Theory]
    [InlineData("PUT", "/v1/key/create/")]
    [InlineData("DELETE", "/v1/key/delete/")]
    public async Task NonIdempotentCall_ThatReachedAnUpstreamWhichThenDied_IsNotReplayed(string method, string route)
    {
        using var identity = new GatewayIdentity();
        await using var dying = await KesUpstreamDouble.StartAsync("dying");
        await using var alive = await KesUpstreamDouble.StartAsync("alive");
        dying.Responder = _ => UpstreamResponse.Abort;
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", dying, alive)]);
        using var client = host.CreateClient();

        // Load balancing decides which endpoint a call goes to; call until one reached the dying endpoint.
        string? failedKey = null;
        for (var i = 0; i < 64 && failedKey is null; i++)
        {
            var key = route + $"key-{i}";
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), key), Ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.StartsWith("upstream 'a': no KES server reachable", await ProxyAssert.KesErrorAsync(response, HttpStatusCode.BadGateway), StringComparison.Ordinal);
                failedKey = key;
            }
        }

        Assert.NotNull(failedKey);
        Assert.Contains(dying.Calls, c => c.Path == failedKey);
        Assert.DoesNotContain(alive.Calls, c => c.Path == failedKey);
        Assert.Empty(host.Logs.OfEvent(EventIds.UpstreamFailover));
    }

    [Fact]
    public async Task Get_AllEndpointsDown_Answers502NamingTheUpstream()
    {
        using var identity = new GatewayIdentity();
        await using var first = await KesUpstreamDouble.StartAsync("first");
        await using var second = await KesUpstreamDouble.StartAsync("second");
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", first, second)]);
        await first.StopAsync();
        await second.StopAsync();
        using var client = host.CreateClient();

        using var get = await client.GetAsync(new Uri("/v1/key/list/*", UriKind.Relative), Ct);
        using var put = await client.PutAsync(new Uri("/v1/key/create/k", UriKind.Relative), null, Ct);

        Assert.Equal(
            "upstream 'a': no KES server reachable (2 endpoints tried, last: connection refused)",
            await ProxyAssert.KesErrorAsync(get, HttpStatusCode.BadGateway));
        Assert.Equal("upstream 'a': no KES server reachable (2 endpoints tried, last: connection refused)", await ProxyAssert.KesErrorAsync(put, HttpStatusCode.BadGateway));
        var failure = host.Logs.OfEvent(EventIds.UpstreamForwardFailed);
        Assert.Equal(2, failure.Count);
        Assert.Contains("GET /v1/key/list/* failed after 2 attempt(s)", failure[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UpstreamSilentBeyondTimeout_Answers504()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        var config = identity.UpstreamOf("a", upstream) with { Timeout = TimeSpan.FromMilliseconds(300) };
        await using var host = await ProxyTestHost.StartAsync([config]);
        using var client = host.CreateClient();
        using var hold = upstream.HoldResponses();

        using var response = await client.GetAsync(new Uri("/v1/key/list/*", UriKind.Relative), Ct);

        Assert.Equal("upstream 'a': the KES server did not answer within 300ms", await ProxyAssert.KesErrorAsync(response, HttpStatusCode.GatewayTimeout));

        // A timeout is not retried elsewhere: the upstream may still be working on it.
        Assert.Single(upstream.Calls);
    }

    [Fact]
    public async Task Forward_UnknownOrMissingUpstream_Answers502()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", upstream)]);
        using var client = host.CreateClient();

        host.Cluster = "nope";
        using var unknown = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);
        host.Cluster = null;
        using var missing = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);

        Assert.Equal("upstream 'nope' is not configured", await ProxyAssert.KesErrorAsync(unknown, HttpStatusCode.BadGateway));
        Assert.Equal("no upstream KES cluster is configured for this request", await ProxyAssert.KesErrorAsync(missing, HttpStatusCode.BadGateway));
        Assert.Empty(upstream.Calls);
        Assert.Equal(2, host.Logs.OfEvent(EventIds.UpstreamNotConfigured).Count);
    }
}

using System.Collections.Concurrent;
using KesGateway.Server.Configuration;
using KesGateway.Server.Proxy;
using KesGateway.Tests.Common.Proxy;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Model;
using EventIds = KesGateway.Server.EventIds;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>Active health checks probe each endpoint on the injected clock and take dead ones out of rotation.</summary>
public sealed class KesProxyHealthTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ActiveCheck_StoppedEndpoint_BecomesUnhealthyAndLeavesRotation()
    {
        using var identity = new GatewayIdentity();
        await using var dead = await KesUpstreamDouble.StartAsync("dead");
        await using var alive = await KesUpstreamDouble.StartAsync("alive");
        var time = new FakeTimeProvider();
        var config = identity.UpstreamOf("a", dead, alive) with
        {
            Health = new HealthCheckConfig { Active = true, Interval = Interval, Timeout = TimeSpan.FromSeconds(5), Passive = false },
        };
        var changes = new ConcurrentQueue<UpstreamHealthChange>();
        var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unhealthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var probes = new SemaphoreSlim(0);
        var deadEndpoint = dead.Address.GetLeftPart(UriPartial.Authority);

        await using var host = await ProxyTestHost.StartAsync([config], time);
        var cluster = Assert.IsType<ClusterState>(host.State.GetClusters().Single());
        void CheckAllHealthy()
        {
            if (cluster.Destinations.Values.All(d => d.Health.Active == DestinationHealth.Healthy))
            {
                healthy.TrySetResult();
            }
        }

        host.Health.Changed += change =>
        {
            changes.Enqueue(change);
            CheckAllHealthy();
            if (change.Endpoint == deadEndpoint && change.Health == DestinationHealth.Unhealthy)
            {
                unhealthy.TrySetResult();
            }
        };
        host.Health.Probed += _ => probes.Release();

        // The first probes run at start, maybe before the handler above was attached: the state is read as well.
        CheckAllHealthy();
        await ProxyAssert.WithinAsync(healthy.Task, Wait, "the first probes finding both endpoints healthy", () => host.Logs.ToString());
        Assert.All(dead.Requests.Concat(alive.Requests), r => Assert.Equal(identity.Identity, r.ClientIdentity));
        Assert.All(dead.Requests.Concat(alive.Requests), r => Assert.Equal("/v1/ready", r.Path));

        await dead.StopAsync();

        // Later probes run on the injected clock, and YARP needs two failed probes in a row. Its scheduler is armed
        // just after the first probes complete, so an advance can come too early to fire it: each round waits (briefly,
        // bounded) for the probe it should have triggered and advances again otherwise.
        for (var round = 0; round < 10 && !unhealthy.Task.IsCompleted; round++)
        {
            while (probes.CurrentCount > 0)
            {
                await probes.WaitAsync(Ct);
            }

            time.Advance(Interval);
            await probes.WaitAsync(TimeSpan.FromSeconds(2), Ct);
        }

        Assert.True(unhealthy.Task.IsCompleted, "the stopped endpoint was not marked unhealthy; changes: " + string.Join(", ", changes));
        var destination = cluster.Destinations.Values.Single(d => d.Model.Config.Address == deadEndpoint);
        Assert.Equal(DestinationHealth.Unhealthy, destination.Health.Active);
        // (DestinationState is a list of itself, so xunit's collection asserts must not see it.)
        Assert.DoesNotContain(cluster.DestinationsState.AvailableDestinations, d => ReferenceEquals(d, destination));
        Assert.Contains(host.Logs.OfEvent(EventIds.UpstreamEndpointUnhealthy), e => e.Message.Contains(deadEndpoint, StringComparison.Ordinal));

        // A reload that leaves the cluster as it is keeps what the checks learned.
        await ProxyAssert.WithinAsync(host.Provider.Update([config, identity.UpstreamOf("b", alive)]).Applied, Wait, "applying the reload");
        Assert.True(host.State.TryGetCluster("a", out var reloaded));
        Assert.Equal(DestinationHealth.Unhealthy, reloaded.Destinations[deadEndpoint].Health.Active);

        // Requests now only go where the probes found a KES server.
        using var client = host.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);
            Assert.Equal("alive", Assert.Single(response.Headers.GetValues("X-Upstream")));
        }

        Assert.Empty(host.Logs.OfEvent(EventIds.UpstreamFailover));
    }

    [Fact]
    public async Task PassiveCheck_FailingEndpointOfTheChosenCluster_LeavesThatClustersRotation()
    {
        using var identity = new GatewayIdentity();
        await using var other = await KesUpstreamDouble.StartAsync("other");
        await using var dead = await KesUpstreamDouble.StartAsync("dead");
        await using var alive = await KesUpstreamDouble.StartAsync("alive");
        var passive = new HealthCheckConfig { Active = false, Passive = true };

        // "b" is not the first upstream, so its requests are reassigned away from the route endpoint routing matched.
        var upstreams = new[] { identity.UpstreamOf("first", other) with { Health = passive }, identity.UpstreamOf("b", dead, alive) with { Health = passive } };
        await using var host = await ProxyTestHost.StartAsync(upstreams, new FakeTimeProvider());
        host.Cluster = "b";
        var deadEndpoint = dead.Address.GetLeftPart(UriPartial.Authority);
        var unhealthy = new TaskCompletionSource<UpstreamHealthChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Health.Changed += change =>
        {
            if (change.Endpoint == deadEndpoint && change.Health == DestinationHealth.Unhealthy)
            {
                unhealthy.TrySetResult(change);
            }
        };
        await dead.StopAsync();
        using var client = host.CreateClient();

        // YARP's failure-rate policy judges an endpoint after 10 forwarded calls; PUTs are not retried elsewhere.
        for (var i = 0; i < 100 && !unhealthy.Task.IsCompleted; i++)
        {
            using var response = await client.PutAsync(new Uri($"/v1/key/create/k{i}", UriKind.Relative), null, Ct);
        }

        Assert.True(unhealthy.Task.IsCompleted, "100 calls did not mark the stopped endpoint unhealthy");
        Assert.Equal(new UpstreamHealthChange("b", deadEndpoint, DestinationHealth.Unhealthy, Active: false), await unhealthy.Task);

        // YARP refreshes the cluster's available endpoints in the background after the verdict.
        Assert.True(host.State.TryGetCluster("b", out var cluster));
        var refreshed = SpinWait.SpinUntil(() => cluster.DestinationsState.AvailableDestinations.Count == 1, Wait);
        Assert.True(refreshed, "cluster b still offers the unhealthy endpoint");
        Assert.Equal(alive.Address.GetLeftPart(UriPartial.Authority), cluster.DestinationsState.AvailableDestinations[0].Model.Config.Address);
        Assert.Empty(other.Calls);
    }
}

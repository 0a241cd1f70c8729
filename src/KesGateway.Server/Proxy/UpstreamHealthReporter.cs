using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace KesGateway.Server.Proxy;

/// <summary>
/// Wraps YARP's <see cref="IDestinationHealthUpdater"/> (through which both health check policies report) to log
/// every change of an endpoint's health under the gateway's event ids and to tell listeners (tests) about it.
/// </summary>
internal sealed class UpstreamHealthReporter : IDestinationHealthUpdater, IDisposable
{
    private readonly IDestinationHealthUpdater _inner;
    private readonly ILogger<UpstreamHealthReporter> _logger;

    public UpstreamHealthReporter(IDestinationHealthUpdater inner, ILogger<UpstreamHealthReporter> logger)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(logger);
        _inner = inner;
        _logger = logger;
    }

    /// <summary>Raised after an endpoint's active or passive health changed: cluster, destination address, new health, whether active.</summary>
    public event Action<UpstreamHealthChange>? Changed;

    /// <summary>Raised after a round of active probes of a cluster was evaluated, changed or not.</summary>
    public event Action<string>? Probed;

    public void SetActive(ClusterState cluster, IEnumerable<NewActiveDestinationHealth> newHealthPairs)
    {
        var pairs = newHealthPairs as IReadOnlyCollection<NewActiveDestinationHealth> ?? [.. newHealthPairs];
        var changes = pairs.Where(p => p.Destination.Health.Active != p.NewActiveHealth).ToList();
        _inner.SetActive(cluster, pairs);
        foreach (var change in changes)
        {
            Report(cluster, change.Destination, change.NewActiveHealth, active: true);
        }

        Probed?.Invoke(cluster.ClusterId);
    }

    public void SetPassive(ClusterState cluster, DestinationState destination, DestinationHealth newHealth, TimeSpan reactivationPeriod)
    {
        var changed = destination.Health.Passive != newHealth;
        _inner.SetPassive(cluster, destination, newHealth, reactivationPeriod);
        if (changed)
        {
            Report(cluster, destination, newHealth, active: false);
        }
    }

    public void Dispose() => (_inner as IDisposable)?.Dispose();

    private void Report(ClusterState cluster, DestinationState destination, DestinationHealth health, bool active)
    {
        var check = active ? "active" : "passive";
        var address = destination.Model?.Config.Address ?? destination.DestinationId;
        if (health == DestinationHealth.Unhealthy)
        {
            ProxyLog.EndpointUnhealthy(_logger, cluster.ClusterId, address, check);
        }
        else
        {
            ProxyLog.EndpointHealthy(_logger, cluster.ClusterId, address, health == DestinationHealth.Healthy ? "healthy" : "unknown", check);
        }

        Changed?.Invoke(new UpstreamHealthChange(cluster.ClusterId, address, health, active));
    }
}

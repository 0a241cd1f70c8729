using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using KesGateway.Server.Configuration;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace KesGateway.Server.Proxy;

/// <summary>
/// One immutable snapshot of the forwarding configuration: YARP's routes and clusters built from the upstreams, plus
/// the TLS material they were validated with. Made by <see cref="KesProxyConfigProvider.Build"/>.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The token source only backs ChangeToken, whose callbacks YARP may still hold; like YARP's InMemoryConfig it is left to the GC.")]
public sealed class KesProxyConfig : IProxyConfig
{
    private readonly CancellationTokenSource _expired = new();
    private readonly TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal KesProxyConfig(
        IReadOnlyList<UpstreamConfig> upstreams,
        IReadOnlyList<RouteConfig> routes,
        IReadOnlyList<ClusterConfig> clusters,
        FrozenDictionary<string, UpstreamTlsMaterial> tls)
    {
        Upstreams = upstreams;
        Routes = routes;
        Clusters = clusters;
        Tls = tls;
        ChangeToken = new CancellationChangeToken(_expired.Token);

        // A failed apply is reported through Applied; nobody has to await it.
        _ = _applied.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>Gets the upstreams this snapshot was built from.</summary>
    public IReadOnlyList<UpstreamConfig> Upstreams { get; }

    /// <inheritdoc/>
    public IReadOnlyList<RouteConfig> Routes { get; }

    /// <inheritdoc/>
    public IReadOnlyList<ClusterConfig> Clusters { get; }

    /// <inheritdoc/>
    public IChangeToken ChangeToken { get; }

    /// <summary>
    /// Gets a task that completes once YARP has applied this snapshot, or a newer one that replaced it before it was
    /// applied, and fails if YARP rejected it (or that newer one); YARP applies configuration in the background.
    /// </summary>
    public Task Applied => _applied.Task;

    /// <summary>Gets the TLS material of each upstream, by its fingerprint.</summary>
    internal FrozenDictionary<string, UpstreamTlsMaterial> Tls { get; }

    /// <summary>Gets or sets the snapshot this one replaced while that one was not applied yet; completed together.</summary>
    internal KesProxyConfig? Replaced { get; set; }

    internal void Expire() => _expired.Cancel();

    internal void MarkApplied()
    {
        var config = this;
        while (config is not null)
        {
            config._applied.TrySetResult();
            var older = config.Replaced;
            config.Replaced = null;
            config = older;
        }
    }

    internal void MarkFailed(Exception exception)
    {
        var config = this;
        while (config is not null)
        {
            config._applied.TrySetException(exception);
            var older = config.Replaced;
            config.Replaced = null;
            config = older;
        }
    }
}

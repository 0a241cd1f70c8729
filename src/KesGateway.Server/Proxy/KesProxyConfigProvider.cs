using KesGateway.Server.Configuration;
using Yarp.ReverseProxy.Configuration;

namespace KesGateway.Server.Proxy;

/// <summary>
/// YARP's configuration source for the upstream KES clusters: an immutable <see cref="KesProxyConfig"/> swapped
/// atomically (as YARP's InMemoryConfigProvider). YARP then updates routes and clusters in place, keeping the health
/// of destinations that did not change and building a new HTTP client only for clusters whose settings or TLS files did.
/// </summary>
public sealed class KesProxyConfigProvider : IProxyConfigProvider, IConfigChangeListener
{
    private readonly Lock _lock = new();
    private KesProxyConfig _current;
    private KesProxyConfig? _previous;

    /// <summary>Creates a provider with no upstreams.</summary>
    public KesProxyConfigProvider()
    {
        _current = Build([]);
    }

    /// <summary>Gets the snapshot in use (or about to be applied by YARP).</summary>
    public KesProxyConfig Current => Volatile.Read(ref _current);

    /// <summary>
    /// Builds a snapshot without applying it: routes, clusters and each upstream's TLS material are loaded and checked,
    /// so a reload can validate everything before swapping anything.
    /// </summary>
    /// <param name="upstreams">The upstream clusters, in file order.</param>
    /// <param name="identityHeaders">Request headers to remove besides the built-in identity headers (e.g. the configured <c>tls.proxy.header.cert</c>).</param>
    /// <exception cref="ConfigException">An upstream cannot be served; the message names the field, e.g. <c>upstreams.a.tls.cert</c>.</exception>
    public static KesProxyConfig Build(IReadOnlyList<UpstreamConfig> upstreams, IEnumerable<string>? identityHeaders = null) =>
        UpstreamRoutes.Build(upstreams, identityHeaders);

    /// <summary>Swaps in <paramref name="config"/>; YARP applies it in the background (see <see cref="KesProxyConfig.Applied"/>).</summary>
    public void Apply(KesProxyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        KesProxyConfig old;
        lock (_lock)
        {
            old = _current;
            if (!old.Applied.IsCompleted)
            {
                config.Replaced = old;
            }

            // The material of the snapshot YARP may still be applying stays reachable until the next swap.
            _previous = old;
            Volatile.Write(ref _current, config);
        }

        old.Expire();
    }

    /// <summary>Builds and applies a snapshot of <paramref name="upstreams"/>; on error the current one stays.</summary>
    /// <returns>The new snapshot; await <see cref="KesProxyConfig.Applied"/> to know YARP uses it.</returns>
    /// <exception cref="ConfigException">An upstream cannot be served; the message names the field, e.g. <c>upstreams.a.tls.cert</c>.</exception>
    public KesProxyConfig Update(IReadOnlyList<UpstreamConfig> upstreams, IEnumerable<string>? identityHeaders = null)
    {
        var config = Build(upstreams, identityHeaders);
        Apply(config);
        return config;
    }

    /// <inheritdoc/>
    public IProxyConfig GetConfig() => Current;

    /// <summary>Finds the TLS material a cluster was configured with, by the fingerprint in its metadata.</summary>
    internal UpstreamTlsMaterial? FindTls(IReadOnlyDictionary<string, string>? clusterMetadata)
    {
        if (clusterMetadata is null || !clusterMetadata.TryGetValue(UpstreamRoutes.TlsFingerprintMetadata, out var fingerprint))
        {
            return null;
        }

        KesProxyConfig current;
        KesProxyConfig? previous;
        lock (_lock)
        {
            current = _current;
            previous = _previous;
        }

        return current.Tls.TryGetValue(fingerprint, out var material) || (previous is not null && previous.Tls.TryGetValue(fingerprint, out material))
            ? material
            : null;
    }

    /// <inheritdoc/>
    void IConfigChangeListener.ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception)
    {
        if (ReferenceEquals(configProvider, this))
        {
            Current.MarkFailed(exception);
        }
    }

    /// <inheritdoc/>
    void IConfigChangeListener.ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    /// <inheritdoc/>
    void IConfigChangeListener.ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception)
    {
        foreach (var config in proxyConfigs)
        {
            Find(config)?.MarkFailed(exception);
        }
    }

    /// <inheritdoc/>
    void IConfigChangeListener.ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        foreach (var config in proxyConfigs)
        {
            Find(config)?.MarkApplied();
        }
    }

    /// <summary>
    /// Finds our snapshot behind what YARP reports: YARP wraps a snapshot whose destinations it resolved, and the wrapper
    /// keeps only the snapshot's route list (a new list per snapshot, so its reference identifies it).
    /// </summary>
    private KesProxyConfig? Find(IProxyConfig reported)
    {
        for (var config = Current; config is not null; config = config.Replaced)
        {
            if (ReferenceEquals(reported, config) || ReferenceEquals(reported.Routes, config.Routes))
            {
                return config;
            }
        }

        return null;
    }
}

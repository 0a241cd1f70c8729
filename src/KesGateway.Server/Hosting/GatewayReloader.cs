using KesGateway.Core.Keystore;
using KesGateway.Server.Configuration;
using KesGateway.Server.Observability;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Hosting;

/// <summary>Swaps in a new configuration atomically, keeping the last good one when the new one cannot be served (kes-compat §9.4).</summary>
/// <remarks>
/// Everything but the listen address is reloaded: tenants, hosts, admins, policies, API overrides, certificates,
/// upstreams, keystores and declared keys. A tenant whose keystore and cache settings are unchanged keeps its keystore
/// and warm cache. Requests in flight finish on the snapshot they started with; a keystore or cache that the new
/// configuration no longer uses is released once the swap is done.
/// </remarks>
public sealed partial class GatewayReloader : IDisposable
{
    private readonly GatewayStateHolder _holder;
    private readonly GatewayOptions _options;
    private readonly KesMetrics _metrics;
    private readonly ILogger<GatewayReloader> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the reloader.</summary>
    public GatewayReloader(GatewayStateHolder holder, GatewayOptions options, KesMetrics metrics, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(loggers);
        _holder = holder;
        _options = options;
        _metrics = metrics;
        _loggers = loggers;
        _logger = loggers.CreateLogger<GatewayReloader>();
    }

    /// <summary>Raised after a new state was swapped in (e.g. so the proxy can apply the new upstreams).</summary>
    public event Action<GatewayState>? Applied;

    /// <summary>Checks a candidate state before it is swapped in; throw <see cref="InvalidOperationException"/> to reject it.</summary>
    public Action<GatewayState>? Validate { get; set; }

    /// <summary>Loads a configuration with <paramref name="load"/> and swaps it in; on any error logs why and keeps serving the old one.</summary>
    /// <returns><see langword="true"/> if the new configuration is now in use.</returns>
    public async Task<bool> ReloadAsync(Func<ServerConfig> load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(load);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var previous = _holder.Current;
            GatewayState next;
            try
            {
                var config = load();
                var context = new KeyStoreContext(_options.Time, _loggers.CreateLogger("KesGateway.Keystore")) { StatusInterval = _options.KeyCacheStatusInterval };
                next = await GatewayStateFactory.CreateAsync(config, _holder.StartTime, context, _options.KeyStore, _options.ServerCertificate, previous: previous, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                try
                {
                    Validate?.Invoke(next);
                    foreach (var tenant in next.Tenants)
                    {
                        await GatewayApp.CreateDeclaredKeysAsync(tenant, _options.Time, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch
                {
                    await ReleaseAsync(next, keep: previous).ConfigureAwait(false);
                    throw;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _metrics.ConfigReloaded(applied: false);
                LogReloadFailed(_logger, ex.Message);
                return false;
            }

            _holder.Swap(next);
            _metrics.ConfigReloaded(applied: true);
            foreach (var warning in next.Config.Warnings)
            {
                LogWarning(_logger, warning);
            }

            LogReloaded(_logger, next.Tenants.Length);
            Applied?.Invoke(next);

            // Keys in use stay valid: a cache zeroes each only once its last lease is returned.
            await ReleaseAsync(previous, keep: next).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Disposes the caches and keystores of <paramref name="state"/> that <paramref name="keep"/> does not use.</summary>
    private async Task ReleaseAsync(GatewayState state, GatewayState keep)
    {
        var caches = new HashSet<KeyCache>(keep.Tenants.Select(t => t.Keys).OfType<KeyCache>(), ReferenceEqualityComparer.Instance);
        var stores = new HashSet<IKeyStore>(keep.Tenants.Select(t => t.KeyStore).OfType<IKeyStore>(), ReferenceEqualityComparer.Instance);
        foreach (var tenant in state.Tenants)
        {
            if (tenant.Keys is { } cache && !caches.Contains(cache))
            {
                await cache.DisposeAsync().ConfigureAwait(false);
            }

            // The injected store (dev mode) lives across reloads; a store the config opened is ours to close.
            if (tenant.KeyStore is { } store && !stores.Contains(store) && !ReferenceEquals(store, _options.KeyStore))
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    [LoggerMessage(EventId = EventIds.ConfigReloaded, EventName = nameof(EventIds.ConfigReloaded), Level = LogLevel.Information,
        Message = "configuration reloaded ({Tenants} tenants)")]
    private static partial void LogReloaded(ILogger logger, int tenants);

    [LoggerMessage(EventId = EventIds.ConfigReloadFailed, EventName = nameof(EventIds.ConfigReloadFailed), Level = LogLevel.Error,
        Message = "configuration reload failed, still serving the previous configuration: {Error}")]
    private static partial void LogReloadFailed(ILogger logger, string error);

    [LoggerMessage(EventId = EventIds.ConfigWarning, EventName = nameof(EventIds.ConfigWarning), Level = LogLevel.Warning,
        Message = "config: {Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);
}

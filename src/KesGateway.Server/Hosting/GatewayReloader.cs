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
/// configuration no longer uses is released <see cref="RetireAfter"/> later, when they are done with it.
/// </remarks>
public sealed partial class GatewayReloader : IDisposable
{
    private readonly GatewayStateHolder _holder;
    private readonly GatewayOptions _options;
    private readonly KesMetrics _metrics;
    private readonly ILogger<GatewayReloader> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IAsyncDisposable, byte> _retiring = new(ReferenceEqualityComparer.Instance);

    /// <summary>How long a replaced keystore or cache lives on after a swap: requests that started on the previous state
    /// finish on it, and none runs longer than KES's longest route deadline (15 s) twice over.</summary>
    public static readonly TimeSpan RetireAfter = TimeSpan.FromSeconds(30);

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

            // Requests in flight still hold the previous state: what it alone used is released once they are done.
            Retire(Unused(previous, keep: next));
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Disposes at once what a rejected state opened that the running one does not use (no request ever saw it).</summary>
    private async Task ReleaseAsync(GatewayState state, GatewayState keep)
    {
        foreach (var resource in Unused(state, keep))
        {
            await resource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Lists the caches (first) and keystores of <paramref name="state"/> that <paramref name="keep"/> does not use.</summary>
    private List<IAsyncDisposable> Unused(GatewayState state, GatewayState keep)
    {
        var caches = new HashSet<KeyCache>(keep.Tenants.Select(t => t.Keys).OfType<KeyCache>(), ReferenceEqualityComparer.Instance);
        var stores = new HashSet<IKeyStore>(keep.Tenants.Select(t => t.KeyStore).OfType<IKeyStore>(), ReferenceEqualityComparer.Instance);
        var unused = new List<IAsyncDisposable>();
        unused.AddRange(state.Tenants.Select(t => t.Keys).OfType<KeyCache>().Where(c => !caches.Contains(c)));

        // The injected store (dev mode) lives across reloads; a store the config opened is ours to close.
        unused.AddRange(state.Tenants.Select(t => t.KeyStore).OfType<IKeyStore>()
            .Where(s => !stores.Contains(s) && !ReferenceEquals(s, _options.KeyStore)));
        return unused;
    }

    private void Retire(List<IAsyncDisposable> resources)
    {
        if (resources.Count == 0)
        {
            return;
        }

        foreach (var resource in resources)
        {
            _retiring.TryAdd(resource, 0);
        }

        _ = DisposeLaterAsync(resources);
    }

    private async Task DisposeLaterAsync(List<IAsyncDisposable> resources)
    {
        try
        {
            await Task.Delay(RetireAfter, _options.Time).ConfigureAwait(false);
        }
        finally
        {
            foreach (var resource in resources)
            {
                if (_retiring.TryRemove(resource, out _))
                {
                    await resource.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Releases at once everything still waiting to be retired (the server is stopping).</summary>
    public async Task ReleaseRetiredAsync()
    {
        foreach (var resource in _retiring.Keys)
        {
            if (_retiring.TryRemove(resource, out _))
            {
                await resource.DisposeAsync().ConfigureAwait(false);
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

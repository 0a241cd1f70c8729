using KesGateway.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Hosting;

/// <summary>Swaps in a new configuration atomically, keeping the last good one when the new one cannot be served (kes-compat §9.4).</summary>
/// <remarks>
/// Everything but the listen address is reloaded: admin, policies, API overrides, TLS certificate, keystore and
/// declared keys. Requests in flight finish on the snapshot they started with.
/// </remarks>
public sealed partial class GatewayReloader : IDisposable
{
    private readonly ServerStateHolder _holder;
    private readonly GatewayOptions _options;
    private readonly ILogger<GatewayReloader> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the reloader.</summary>
    public GatewayReloader(ServerStateHolder holder, GatewayOptions options, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _holder = holder;
        _options = options;
        _loggers = loggers;
        _logger = loggers.CreateLogger<GatewayReloader>();
    }

    /// <summary>Loads a configuration with <paramref name="load"/> and swaps it in; on any error logs why and keeps serving the old one.</summary>
    /// <returns><see langword="true"/> if the new configuration is now in use.</returns>
    public async Task<bool> ReloadAsync(Func<ServerConfig> load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(load);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ServerState next;
            try
            {
                var config = load();
                var context = new KeyStoreContext(_options.Time, _loggers.CreateLogger("KesGateway.Keystore")) { StatusInterval = _options.KeyCacheStatusInterval };
                next = await ServerStateFactory.CreateAsync(config, _holder.StartTime, context, _options.KeyStore, _options.ServerCertificate, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
                await GatewayApp.CreateDeclaredKeysAsync(next, _options.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogReloadFailed(_logger, ex.Message);
                return false;
            }

            var previous = _holder.Swap(next);
            foreach (var warning in next.Config.Warnings)
            {
                LogWarning(_logger, warning);
            }

            LogReloaded(_logger);

            // Keys in use stay valid: the cache zeroes each only once its last lease is returned.
            await previous.Keys.DisposeAsync().ConfigureAwait(false);

            // The injected store (dev mode) lives across reloads; a store the config opened is ours to close.
            if (_options.KeyStore is null && !ReferenceEquals(previous.KeyStore, next.KeyStore))
            {
                await previous.KeyStore.DisposeAsync().ConfigureAwait(false);
            }

            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    [LoggerMessage(EventId = EventIds.ConfigReloaded, EventName = nameof(EventIds.ConfigReloaded), Level = LogLevel.Information,
        Message = "configuration reloaded")]
    private static partial void LogReloaded(ILogger logger);

    [LoggerMessage(EventId = EventIds.ConfigReloadFailed, EventName = nameof(EventIds.ConfigReloadFailed), Level = LogLevel.Error,
        Message = "configuration reload failed, still serving the previous configuration: {Error}")]
    private static partial void LogReloadFailed(ILogger logger, string error);

    [LoggerMessage(EventId = EventIds.ConfigWarning, EventName = nameof(EventIds.ConfigWarning), Level = LogLevel.Warning,
        Message = "config: {Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);
}

using System.Collections.Immutable;
using System.Security.Cryptography;
using KesGateway.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Hosting;

/// <summary>Reloads the configuration when the config file or a file it names (certificates, keys, CAs) changes.</summary>
/// <remarks>
/// File-system events only prompt a look; the decision is made on content: every watched file is hashed (following
/// symlinks) and a reload happens only when some hash differs from the one the running configuration was loaded
/// with. That one rule covers in-place edits, editors that write a new file and rename it, and Kubernetes' secret
/// volumes, which swap a <c>..data</c> symlink in the directory while the named file never changes its path. Events
/// are debounced on the clock, because a certificate and its key are rarely written at the same instant; a periodic
/// look catches file systems whose events never arrive (NFS, some container runtimes).
/// </remarks>
public sealed partial class ConfigWatcher : IAsyncDisposable
{
    private readonly string _configPath;
    private readonly Func<ServerConfig> _load;
    private readonly GatewayReloader _reloader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _debounce;
    private readonly TimeSpan _poll;
    private readonly Lock _gate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private ImmutableDictionary<string, string> _baseline = ImmutableDictionary<string, string>.Empty;
    private ITimer? _debounceTimer;
    private ITimer? _pollTimer;
    private int _checking;
    private bool _disposed;

    /// <summary>Creates the watcher; nothing is watched before <see cref="Start"/>.</summary>
    /// <param name="configPath">The config file.</param>
    /// <param name="load">Loads and validates the config file.</param>
    /// <param name="reloader">Swaps a new configuration in, keeping the last good one.</param>
    /// <param name="time">The clock for the debounce and the periodic look.</param>
    /// <param name="logger">Where changes and failures are told.</param>
    /// <param name="debounce">How long the files must be quiet after an event before they are compared.</param>
    /// <param name="poll">How often the files are compared without any event; <see cref="TimeSpan.Zero"/> = never.</param>
    public ConfigWatcher(string configPath, Func<ServerConfig> load, GatewayReloader reloader, TimeProvider time, ILogger logger, TimeSpan debounce, TimeSpan poll)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(reloader);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _configPath = Path.GetFullPath(configPath);
        _load = load;
        _reloader = reloader;
        _time = time;
        _logger = logger;
        _debounce = debounce;
        _poll = poll;
        _reloader.Applied += OnApplied;
    }

    /// <summary>Gets the files whose content is compared, as full paths.</summary>
    public IReadOnlyCollection<string> Files => _baseline.Keys.ToArray();

    /// <summary>Starts watching the files <paramref name="running"/> names, taking their current content as the baseline.</summary>
    public void Start(ServerConfig running)
    {
        ArgumentNullException.ThrowIfNull(running);
        lock (_gate)
        {
            Watch(FilesOf(running));
            if (_poll > TimeSpan.Zero)
            {
                _pollTimer = _time.CreateTimer(static s => _ = ((ConfigWatcher)s!).CheckAsync(), this, _poll, _poll);
            }
        }
    }

    /// <summary>Compares the files with the baseline now and reloads if any changed.</summary>
    /// <returns><see langword="true"/> if a changed configuration was applied; <see langword="false"/> if nothing changed or the reload was rejected.</returns>
    public async Task<bool> CheckAsync()
    {
        // One look at a time; events during a look are covered by the next one.
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return false;
        }

        try
        {
            ImmutableDictionary<string, string> baseline;
            lock (_gate)
            {
                baseline = _baseline;
            }

            var changed = baseline.Where(entry => Hash(entry.Key) != entry.Value).Select(entry => entry.Key).ToArray();
            if (changed.Length == 0)
            {
                return false;
            }

            LogChanged(_logger, changed);
            var applied = await _reloader.ReloadAsync(_load).ConfigureAwait(false);
            if (!applied)
            {
                // The rejected content becomes the baseline, so the same broken file is not retried on every look;
                // the next edit triggers the next attempt.
                lock (_gate)
                {
                    _baseline = _baseline.SetItems(changed.Select(path => KeyValuePair.Create(path, Hash(path))));
                }
            }

            return applied;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogFailed(_logger, ex.Message);
            return false;
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <summary>Lists the files a configuration depends on: the config itself and every certificate, key and CA it names.</summary>
    public IEnumerable<string> FilesOf(ServerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        yield return _configPath;
        foreach (var tenant in config.AllTenants)
        {
            yield return tenant.Tls.CertificatePath;
            yield return tenant.Tls.KeyPath;
            if (tenant.Tls.CaPath is { } ca)
            {
                yield return ca;
            }
        }

        foreach (var upstream in config.Upstreams)
        {
            foreach (var path in new[] { upstream.Tls.CertificatePath, upstream.Tls.KeyPath, upstream.Tls.CaPath })
            {
                if (path is not null)
                {
                    yield return path;
                }
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
            _reloader.Applied -= OnApplied;
            foreach (var watcher in _watchers)
            {
                watcher.Dispose();
            }

            _watchers.Clear();
        }

        if (_debounceTimer is not null)
        {
            await _debounceTimer.DisposeAsync().ConfigureAwait(false);
        }

        if (_pollTimer is not null)
        {
            await _pollTimer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnApplied(GatewayState state)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                Watch(FilesOf(state.Config));
            }
        }
    }

    // Called under _gate.
    private void Watch(IEnumerable<string> files)
    {
        var paths = files.Where(p => !p.StartsWith('(')).Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToArray();
        _baseline = paths.ToImmutableDictionary(p => p, Hash, StringComparer.Ordinal);

        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
        foreach (var directory in paths.Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (!Directory.Exists(directory))
            {
                continue;
            }

            // The whole directory, not just the file: a symlink swap or a rename-over never touches the file's own name.
            var watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime };
            watcher.Changed += OnEvent;
            watcher.Created += OnEvent;
            watcher.Deleted += OnEvent;
            watcher.Renamed += OnEvent;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Each event restarts the quiet period.
            _debounceTimer ??= _time.CreateTimer(static s => _ = ((ConfigWatcher)s!).CheckAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _debounceTimer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private static string Hash(string path)
    {
        try
        {
            // File.ReadAllBytes follows symlinks, which is what a Kubernetes swap changes.
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "missing";
        }
    }

    [LoggerMessage(EventId = EventIds.ConfigWatchTriggered, EventName = nameof(EventIds.ConfigWatchTriggered), Level = LogLevel.Information,
        Message = "configuration files changed, reloading: {Files}")]
    private static partial void LogChanged(ILogger logger, string[] files);

    [LoggerMessage(EventId = EventIds.ConfigWatchFailed, EventName = nameof(EventIds.ConfigWatchFailed), Level = LogLevel.Warning,
        Message = "cannot compare the configuration files: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}

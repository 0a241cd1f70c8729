using KesGateway.Core.Keystore;
using KesGateway.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Hosting;

/// <summary>Warm start of the key cache: seeds it from the sealed snapshot at start, rewrites the snapshot on change and at shutdown.</summary>
/// <remarks>
/// The snapshot is never written while the keystore is offline: the file then keeps the time of the last snapshot
/// taken while the store answered, so restarts during one outage never stretch the offline budget.
/// Keys stay in the snapshot for one <c>cache.expiry.any</c> after they were last read, not only while cached: the
/// cache drops everything at each <c>any</c> tick, and a snapshot written just after would otherwise lose every cold
/// key. Deleted keys leave the snapshot at once.
/// </remarks>
internal sealed class KeyCacheSnapshotter : IAsyncDisposable
{
    private readonly Func<TenantState?> _tenant;
    private readonly SnapshotConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private KeyCache? _lastCache;
    private long _lastChanges;
    private int _stopped;
    private readonly Dictionary<string, KeyCacheSnapshotEntry> _retained = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _deleted = new();

    /// <summary>Creates the snapshotter for the tenant <paramref name="tenant"/> returns (the current state's, after any reload).</summary>
    public KeyCacheSnapshotter(Func<TenantState?> tenant, SnapshotConfig config, TimeProvider time, ILogger logger)
    {
        _tenant = tenant;
        _config = config;
        _time = time;
        _logger = logger;
    }

    /// <summary>Reads the snapshot, if there is one, into <paramref name="cache"/>; a snapshot that cannot be used is logged and ignored.</summary>
    /// <returns>The number of keys seeded.</returns>
    public static int Seed(KeyCache cache, SnapshotConfig config, TimeSpan offlineBudget, string keyStore, TimeProvider time, ILogger logger)
    {
        KeyCacheSnapshotContent? content;
        try
        {
            content = KeyCacheSnapshot.Read(config.Path, config.Key.Span);
        }
        catch (KeyCacheSnapshotException ex)
        {
            SnapshotLog.Refused(logger, ex.Message + $" (check {config.KeySource}; delete the file to start afresh)");
            return 0;
        }

        if (content is null)
        {
            return 0;
        }

        using (content)
        {
            var age = time.GetUtcNow() - content.TakenAt;
            if (age >= offlineBudget)
            {
                SnapshotLog.Stale(logger, config.Path, age, offlineBudget);
                return 0;
            }

            var seeded = cache.Seed(content.Entries, content.TakenAt);
            SnapshotLog.Loaded(logger, seeded, config.Path, age, keyStore, content.TakenAt + offlineBudget);
            return seeded;
        }
    }

    /// <summary>Starts rewriting the snapshot every interval when the cache changed.</summary>
    public void Start()
    {
        _lastCache = _tenant()?.Keys;
        if (_lastCache is not null)
        {
            _lastCache.Invalidated += _deleted.Enqueue;
            _lastChanges = _lastCache.Changes;
        }

        _timer = _time.CreateTimer(static s => ((KeyCacheSnapshotter)s!).TryWrite(), this, _config.Interval, _config.Interval);
    }

    /// <summary>Writes the snapshot now if the cache changed since the last write and the keystore is online.</summary>
    /// <returns>Whether a snapshot was written.</returns>
    public bool TryWrite()
    {
        lock (_gate)
        {
            // A reload may have removed the tenant or its keystore: then there is nothing left to snapshot.
            if (_tenant() is not { Keys: { } cache } tenant)
            {
                return false;
            }

            var changes = cache.Changes;
            if (cache.IsOffline || (ReferenceEquals(cache, _lastCache) && changes == _lastChanges))
            {
                return false;
            }

            IReadOnlyList<KeyCacheSnapshotEntry> fresh;
            try
            {
                fresh = cache.Export();
            }
            catch (ObjectDisposedException)
            {
                // Swapped out by a reload meanwhile: the next tick writes the new cache.
                return false;
            }

            if (!ReferenceEquals(cache, _lastCache))
            {
                cache.Invalidated += _deleted.Enqueue;
            }

            Merge(fresh, _time.GetUtcNow() - tenant.Config.Cache.Any);
            try
            {
                KeyCacheSnapshot.Write(_config.Path, [.. _retained.Values], _time.GetUtcNow(), _config.Key.Span);
                _lastCache = cache;
                _lastChanges = changes;
                SnapshotLog.Written(_logger, _retained.Count, _config.Path);
                return true;
            }
            catch (KeyCacheSnapshotException ex)
            {
                SnapshotLog.WriteFailed(_logger, ex.Message);
                return false;
            }
        }
    }

    // Fresh entries replace older copies; deleted keys and copies read before the cutoff leave. Replaced copies are zeroed.
    private void Merge(IReadOnlyList<KeyCacheSnapshotEntry> fresh, DateTimeOffset cutoff)
    {
        while (_deleted.TryDequeue(out var name))
        {
            if (_retained.Remove(name, out var gone))
            {
                gone.Dispose();
            }
        }

        foreach (var (name, entry) in _retained.Where(e => e.Value.LoadedAt < cutoff).ToList())
        {
            _retained.Remove(name);
            entry.Dispose();
        }

        foreach (var entry in fresh)
        {
            if (_retained.Remove(entry.Name, out var older))
            {
                older.Dispose();
            }

            _retained[entry.Name] = entry;
        }
    }

    /// <summary>Stops the timer and writes a last snapshot (if the cache changed and the keystore is online).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (_timer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        TryWrite();
        lock (_gate)
        {
            foreach (var entry in _retained.Values)
            {
                entry.Dispose();
            }

            _retained.Clear();
        }
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;

using KesGateway.Core.Crypto;

namespace KesGateway.Core.Keystore;

/// <summary>
/// Parsed key versions in memory in front of an <see cref="IKeyStore"/>, with KES's eviction tickers and outage
/// handling (kes-compat §8).
/// </summary>
/// <remarks>
/// <para>Reads go through <see cref="RentAsync"/>; concurrent misses for one name share one store read. "Not found"
/// and failures are never cached.</para>
/// <para>Eviction is driven by periodic tickers on <see cref="KeyCacheOptions.TimeProvider"/>, as in KES, not by
/// per-entry deadlines: every <c>Any</c> all entries go; every <c>Unused/2</c> entries not used since the previous
/// sweep go (so an idle key lives between <c>Unused/2</c> and <c>Unused</c>); both pause while the store is offline
/// and <c>Offline</c> &gt; 0, when instead every <c>Offline</c> all entries go.</para>
/// <para>Keys are lent out as <see cref="KeyLease"/>s; a dropped key is zeroed when its last lease is returned.</para>
/// <para>The cache does not own the store: disposing the cache leaves the store open.</para>
/// </remarks>
public sealed class KeyCache : IAsyncDisposable
{
    private readonly IKeyStore _store;
    private readonly TimeSpan _offlineExpiry;
    private readonly TimeSpan _statusInterval;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, KeyCacheEntry> _entries = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();

    // Kept apart from the source: loads and probes still running after DisposeAsync read it safely.
    private readonly CancellationToken _stopping;
    private readonly ITimer[] _timers;
    private ITimer? _seedDeadline;

    private int _offline;
    private int _hasSeeded;
    private int _probing;
    private int _disposed;
    private long _hits;
    private long _misses;
    private long _loads;
    private long _evictions;
    private long _servedWhileOffline;
    private long _changes;

    /// <summary>Creates a cache over <paramref name="store"/> and starts its timers and status probe.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public KeyCache(IKeyStore store, KeyCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _offlineExpiry = options.Offline;
        _stopping = _disposing.Token;
        _statusInterval = options.StatusInterval;
        _time = options.TimeProvider;

        var time = options.TimeProvider;
        var timers = new List<ITimer>(4);
        if (options.Any > TimeSpan.Zero)
        {
            timers.Add(time.CreateTimer(static s => ((KeyCache)s!).OnAnyTick(), this, options.Any, options.Any));
        }

        var sweep = options.Unused / 2;
        if (sweep > TimeSpan.Zero)
        {
            timers.Add(time.CreateTimer(static s => ((KeyCache)s!).OnUnusedTick(), this, sweep, sweep));
        }

        if (options.Offline > TimeSpan.Zero)
        {
            timers.Add(time.CreateTimer(static s => ((KeyCache)s!).OnOfflineTick(), this, options.Offline, options.Offline));
        }

        timers.Add(time.CreateTimer(static s => ((KeyCache)s!).OnStatusTick(), this, options.StatusInterval, options.StatusInterval));
        _timers = [.. timers];
    }

    /// <summary>Raised when the keystore is marked offline or back online (once per transition).</summary>
    /// <remarks>Runs on a timer or request thread; handlers must be quick and must not throw.</remarks>
    public event EventHandler<KeyStoreStateChangedEventArgs>? StateChanged;

    /// <summary>Gets whether the keystore is currently considered unreachable.</summary>
    public bool IsOffline => Volatile.Read(ref _offline) != 0;

    /// <summary>Gets the number of reads served from memory.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Gets the number of reads not served from memory (they started or joined a store read).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Gets the number of store reads.</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>Gets the number of entries dropped by the <c>Any</c>, <c>Unused</c> and <c>Offline</c> timers.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Gets the number of reads served from memory while the keystore was offline.</summary>
    public long ServedWhileOffline => Interlocked.Read(ref _servedWhileOffline);

    /// <summary>Gets a counter that moves whenever a key enters or leaves the cache (for rewriting a snapshot only on change).</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>Gets the number of names currently cached or loading.</summary>
    public int Count => _entries.Count;

    /// <summary>Gets the key version stored under <paramref name="name"/>, from memory if possible.</summary>
    /// <returns>A lease to dispose when done with the key, or null if the store has no such key.</returns>
    /// <exception cref="CorruptKeyException">The stored value is not a valid key version.</exception>
    /// <exception cref="KeyStoreException">The store failed (<see cref="KeyStoreUnreachableException"/> if unreachable).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; a shared store read goes on for the other waiters.</exception>
    public ValueTask<KeyLease?> RentAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_entries.TryGetValue(name, out var entry) && entry.TryAcquire())
        {
            entry.Touch();
            Interlocked.Increment(ref _hits);
            if (IsOffline)
            {
                Interlocked.Increment(ref _servedWhileOffline);
            }

            return ValueTask.FromResult<KeyLease?>(new KeyLease(entry));
        }

        return RentSlowAsync(name, cancellationToken);
    }

    /// <summary>Drops <paramref name="name"/> (after the store deleted it); a key in use is zeroed when its last lease is returned.</summary>
    public void Invalidate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_entries.TryRemove(name, out var entry))
        {
            entry.Evict();
        }

        // Counted even for a key that was not cached: a snapshot may still hold it.
        Interlocked.Increment(ref _changes);
        Invalidated?.Invoke(name);
    }

    /// <summary>Raised after <see cref="Invalidate"/>, with the key's name, so copies kept elsewhere (the snapshot) can drop it.</summary>
    public event Action<string>? Invalidated;

    /// <summary>Copies every cached key's stored bytes, for a warm-start snapshot; loads in flight are left out.</summary>
    /// <returns>Entries the caller owns and must dispose.</returns>
    public IReadOnlyList<KeyCacheSnapshotEntry> Export()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var export = new List<KeyCacheSnapshotEntry>(_entries.Count);
        foreach (var (name, entry) in _entries)
        {
            if (entry.Load.IsCompletedSuccessfully && entry.CopyStored() is { } stored)
            {
                export.Add(new KeyCacheSnapshotEntry(name, stored, entry.LoadedAt));
            }
        }

        return export;
    }

    /// <summary>
    /// Puts snapshot entries into the cache as if loaded at their original time: they serve until
    /// <paramref name="takenAt"/> + <see cref="KeyCacheOptions.Offline"/>, or until the keystore is seen online (then
    /// they are read from the store again). Seed once, right after creating the cache.
    /// </summary>
    /// <param name="entries">The entries; the caller keeps ownership (the bytes are copied).</param>
    /// <param name="takenAt">When the snapshot was taken.</param>
    /// <returns>The number of keys seeded: none if the offline budget is already spent or off; names already cached or not parseable are skipped.</returns>
    public int Seed(IEnumerable<KeyCacheSnapshotEntry> entries, DateTimeOffset takenAt)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var remaining = takenAt + _offlineExpiry - _time.GetUtcNow();
        if (_offlineExpiry <= TimeSpan.Zero || remaining <= TimeSpan.Zero)
        {
            return 0;
        }

        var seeded = 0;
        foreach (var item in entries)
        {
            var stored = item.StoredValue.ToArray();
            if (!KeyVersion.TryParse(stored, out var key))
            {
                CryptographicOperations.ZeroMemory(stored);
                continue;
            }

            var entry = new KeyCacheEntry();
            entry.TryStartLoad();
            entry.Complete(key, stored, item.LoadedAt, seeded: true);
            if (_entries.TryAdd(item.Name, entry))
            {
                seeded++;
            }
            else
            {
                entry.Evict();
            }
        }

        if (seeded > 0)
        {
            Interlocked.Increment(ref _changes);

            // The budget counts from the snapshot, not from this start; one timer ends it.
            Volatile.Write(ref _hasSeeded, 1);
            Interlocked.Exchange(ref _seedDeadline, _time.CreateTimer(static s => ((KeyCache)s!).DropSeeded(), this, remaining, Timeout.InfiniteTimeSpan))?.Dispose();
        }

        return seeded;
    }

    /// <summary>Marks the keystore offline now (e.g. it could not be reached at start), instead of at the next status probe.</summary>
    public void MarkOffline(Exception reason) => SetOffline(true, reason);

    /// <summary>Checks the keystore; fails at once while the cache considers it offline, as KES does.</summary>
    /// <exception cref="KeyStoreUnreachableException">The keystore is offline or cannot be reached.</exception>
    /// <exception cref="KeyStoreException">The keystore answered but is not usable.</exception>
    public ValueTask StatusAsync(CancellationToken cancellationToken) =>
        IsOffline
            ? ValueTask.FromException(new KeyStoreUnreachableException("keystore is offline"))
            : _store.StatusAsync(cancellationToken);

    /// <summary>Stops the timers and drops every entry; keys still leased are zeroed when returned. The store stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var timer in _timers)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        if (_seedDeadline is { } deadline)
        {
            await deadline.DisposeAsync().ConfigureAwait(false);
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        DropAll(countEvictions: false);
        _disposing.Dispose();
    }

    private async ValueTask<KeyLease?> RentSlowAsync(string name, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _misses);
        while (true)
        {
            var entry = _entries.GetOrAdd(name, static _ => new KeyCacheEntry());
            if (entry.Load.IsCompletedSuccessfully && entry.TryAcquire())
            {
                entry.Touch();
                return new KeyLease(entry);
            }

            // Single flight: whoever puts the entry in the map first starts the load; a load that is already
            // finished but unusable (evicted meanwhile, or a result that is being removed) is replaced.
            if (!entry.Load.IsCompleted && entry.TryStartLoad())
            {
                _ = LoadAsync(name, entry);
            }
            else if (entry.Load.IsCompletedSuccessfully)
            {
                _entries.TryRemove(KeyValuePair.Create(name, entry));
                continue;
            }

            var key = await entry.Load.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (key is null)
            {
                return null;
            }

            if (entry.TryAcquire())
            {
                return new KeyLease(entry);
            }

            // Evicted (e.g. invalidated by a delete) between the load and now: read again.
        }
    }

    private async Task LoadAsync(string name, KeyCacheEntry entry)
    {
        Interlocked.Increment(ref _loads);
        byte[]? stored;
        try
        {
            stored = await _store.GetAsync(name, _stopping).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (ex is KeyStoreUnreachableException)
            {
                SetOffline(true, ex);
            }

            _entries.TryRemove(KeyValuePair.Create(name, entry));
            entry.Fail(ex);
            return;
        }

        SetOffline(false, null);
        if (stored is null)
        {
            // "Not found" is never cached.
            _entries.TryRemove(KeyValuePair.Create(name, entry));
            entry.Complete(null);
            return;
        }

        // The entry keeps the stored bytes (for the snapshot) and zeroes them with the key.
        var key = KeyVersion.TryParse(stored, out var parsed) ? parsed : null;
        if (key is null)
        {
            CryptographicOperations.ZeroMemory(stored);
            _entries.TryRemove(KeyValuePair.Create(name, entry));
            entry.Fail(new CorruptKeyException($"the stored value of key '{name}' is not a valid key version"));
            return;
        }

        entry.Complete(key, stored, _time.GetUtcNow());
        Interlocked.Increment(ref _changes);
    }

    private void OnAnyTick()
    {
        if (!IsOffline || _offlineExpiry <= TimeSpan.Zero)
        {
            DropAll(countEvictions: true);
        }
    }

    private void OnUnusedTick()
    {
        if (IsOffline && _offlineExpiry > TimeSpan.Zero)
        {
            return;
        }

        foreach (var (name, entry) in _entries)
        {
            // Loads in flight are in use by definition.
            if (entry.Load.IsCompleted && !entry.ResetUsed())
            {
                Drop(name, entry, countEviction: true);
            }
        }
    }

    private void OnOfflineTick()
    {
        if (IsOffline)
        {
            DropAll(countEvictions: true);
        }
    }

    private void OnStatusTick()
    {
        // One probe at a time: a store that hangs longer than the interval must not pile probes up.
        if (Interlocked.Exchange(ref _probing, 1) == 0)
        {
            _ = ProbeAsync();
        }
    }

    private async Task ProbeAsync()
    {
        // A store that does not answer within one interval is as good as unreachable.
        using var timeout = new CancellationTokenSource(_statusInterval, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping, timeout.Token);
        try
        {
            await _store.StatusAsync(linked.Token).ConfigureAwait(false);
            SetOffline(false, null);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: not an outage.
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            SetOffline(true, new KeyStoreUnreachableException("keystore status timed out", ex));
        }
        catch (Exception ex)
        {
            // KES: any status error other than cancellation marks the cache offline.
            SetOffline(true, ex);
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    private void DropSeeded()
    {
        foreach (var (name, entry) in _entries)
        {
            if (entry.Seeded)
            {
                Drop(name, entry, countEviction: true);
            }
        }
    }

    private void DropAll(bool countEvictions)
    {
        foreach (var (name, entry) in _entries)
        {
            if (entry.Load.IsCompleted)
            {
                Drop(name, entry, countEvictions);
            }
        }
    }

    private void Drop(string name, KeyCacheEntry entry, bool countEviction)
    {
        if (_entries.TryRemove(KeyValuePair.Create(name, entry)))
        {
            Interlocked.Increment(ref _changes);
            if (entry.Evict() && countEviction)
            {
                Interlocked.Increment(ref _evictions);
            }
        }
    }

    private void SetOffline(bool offline, Exception? error)
    {
        // Seeded keys were never confirmed by this store (one may have been deleted meanwhile): once it answers, they
        // are read from it again.
        if (!offline && Interlocked.Exchange(ref _hasSeeded, 0) != 0)
        {
            DropSeeded();
        }

        var value = offline ? 1 : 0;
        if (Interlocked.Exchange(ref _offline, value) != value)
        {
            StateChanged?.Invoke(this, new KeyStoreStateChangedEventArgs(offline, error));
        }
    }
}

using System.Security.Cryptography;

using KesGateway.Core.Crypto;

namespace KesGateway.Core.Keystore;

/// <summary>One cache slot: the (single-flight) load of a key, then the reference-counted key version.</summary>
internal sealed class KeyCacheEntry
{
    private readonly TaskCompletionSource<KeyVersion?> _load = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // One reference is the cache's own (dropped by Evict); each KeyLease holds another. 0 = zeroed.
    private int _references = 1;
    private KeyVersion? _key;

    // The bytes the store returned for the key, kept for the warm-start snapshot; zeroed with the key.
    private byte[]? _stored;
    private int _evicted;

    // The cache's reference goes once both happened: the key arrived and the entry was evicted (either order).
    private int _releaseGate;
    private int _used = 1;
    private int _loadStarted;

    /// <summary>Gets the load: completes with the key, null for "not found", or the load's exception.</summary>
    public Task<KeyVersion?> Load => _load.Task;

    /// <summary>Gets the loaded key, or null while loading, for "not found" or after a failure.</summary>
    public KeyVersion? Key => Volatile.Read(ref _key);

    /// <summary>Gets when the key was read from the store (for a seeded entry: when it originally was).</summary>
    public DateTimeOffset LoadedAt { get; private set; }

    /// <summary>Gets whether the entry came from a snapshot rather than from the store.</summary>
    public bool Seeded { get; private set; }

    /// <summary>Gets whether the load finished with a key.</summary>
    public bool HasKey => Key is not null;

    /// <summary>Claims the right to run the load; true for exactly one caller.</summary>
    public bool TryStartLoad() => Interlocked.Exchange(ref _loadStarted, 1) == 0;

    /// <summary>Completes the load with a key or null; if the entry was evicted meanwhile, the cache's reference goes now.</summary>
    /// <param name="key">The parsed key, or null for "not found".</param>
    /// <param name="stored">The stored bytes <paramref name="key"/> was parsed from; the entry owns and zeroes them.</param>
    /// <param name="loadedAt">When the bytes were read from the store.</param>
    /// <param name="seeded">Whether the bytes came from a snapshot.</param>
    public void Complete(KeyVersion? key, byte[]? stored = null, DateTimeOffset loadedAt = default, bool seeded = false)
    {
        _stored = stored;
        LoadedAt = loadedAt;
        Seeded = seeded;
        // Published before the task completes, so a waiter that wakes up always sees it.
        Volatile.Write(ref _key, key);
        _load.SetResult(key);
        if (key is not null && Interlocked.Increment(ref _releaseGate) == 2)
        {
            Release();
        }
    }

    /// <summary>Fails the load; every waiter sees <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        _load.SetException(error);

        // Observed here so a load nobody waits for any more (all waiters cancelled) is not reported as unobserved.
        _ = _load.Task.Exception;
    }

    /// <summary>Marks the entry used since the last unused sweep.</summary>
    public void Touch()
    {
        // Read first: a hit on a hot key must not write the shared cache line every time.
        if (Volatile.Read(ref _used) == 0)
        {
            Volatile.Write(ref _used, 1);
        }
    }

    /// <summary>Clears the used mark and tells whether it was set (the two-phase unused sweep).</summary>
    public bool ResetUsed() => Interlocked.Exchange(ref _used, 0) != 0;

    /// <summary>Takes a reference for a lease; false if the key is gone (evicted and zeroed, or never loaded).</summary>
    public bool TryAcquire()
    {
        if (!HasKey)
        {
            return false;
        }

        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Drops the cache's reference, once; the key is zeroed when no lease holds it.</summary>
    /// <returns>True the first time (the entry held a key or was still loading).</returns>
    public bool Evict()
    {
        if (Interlocked.Exchange(ref _evicted, 1) != 0)
        {
            return false;
        }

        // Still loading: Complete drops the reference when the key arrives.
        if (Interlocked.Increment(ref _releaseGate) == 2)
        {
            Release();
        }

        return true;
    }

    /// <summary>Copies the stored bytes while holding a reference, or returns null if the key is gone.</summary>
    public byte[]? CopyStored()
    {
        if (!TryAcquire())
        {
            return null;
        }

        try
        {
            return _stored?.AsSpan().ToArray();
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Drops one reference; the last one zeroes the key and its stored bytes.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Key?.Dispose();
            if (_stored is { } stored)
            {
                CryptographicOperations.ZeroMemory(stored);
            }
        }
    }
}

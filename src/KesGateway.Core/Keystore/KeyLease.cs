using KesGateway.Core.Crypto;

namespace KesGateway.Core.Keystore;

/// <summary>
/// A borrowed, cached key version: use <see cref="Key"/> (concurrently if need be) until the lease is disposed, and
/// never dispose the key itself.
/// </summary>
/// <remarks>
/// Every lease holds one reference on its cache entry and the cache holds one while the entry is cached; the key is
/// zeroed when the last reference goes, so an evicted key stays intact until the last request using it is done.
/// Disposing twice is harmless.
/// </remarks>
public sealed class KeyLease : IDisposable
{
    private KeyCacheEntry? _entry;

    internal KeyLease(KeyCacheEntry entry)
    {
        _entry = entry;
    }

    /// <summary>Gets the key version; valid until the lease is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public KeyVersion Key
    {
        get
        {
            var entry = _entry;
            ObjectDisposedException.ThrowIf(entry is null, this);
            return entry.Key!;
        }
    }

    /// <summary>Returns the lease; the key is zeroed here if the cache already dropped it and this was the last lease.</summary>
    public void Dispose() => Interlocked.Exchange(ref _entry, null)?.Release();
}

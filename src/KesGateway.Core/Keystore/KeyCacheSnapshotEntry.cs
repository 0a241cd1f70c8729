using System.Security.Cryptography;

namespace KesGateway.Core.Keystore;

/// <summary>One key of a warm-start snapshot: its name, the bytes the keystore stored for it, and when they were read.</summary>
/// <remarks>The entry owns <see cref="StoredValue"/>; <see cref="Dispose"/> zeroes it.</remarks>
public sealed class KeyCacheSnapshotEntry : IDisposable
{
    private readonly byte[] _stored;

    /// <summary>Creates an entry that takes ownership of <paramref name="storedValue"/>.</summary>
    public KeyCacheSnapshotEntry(string name, byte[] storedValue, DateTimeOffset loadedAt)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(storedValue);
        Name = name;
        _stored = storedValue;
        LoadedAt = loadedAt;
    }

    /// <summary>Gets the key name.</summary>
    public string Name { get; }

    /// <summary>Gets the stored key version bytes, exactly as the keystore returned them; valid until disposed.</summary>
    public ReadOnlySpan<byte> StoredValue => _stored;

    /// <summary>Gets when the bytes were read from the keystore.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Zeroes the stored bytes.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_stored);
}

namespace KesGateway.Core.Keystore;

/// <summary>What an opened warm-start snapshot holds; disposing it zeroes every entry.</summary>
public sealed class KeyCacheSnapshotContent : IDisposable
{
    /// <summary>Creates the content; it takes ownership of <paramref name="entries"/>.</summary>
    public KeyCacheSnapshotContent(DateTimeOffset takenAt, IReadOnlyList<KeyCacheSnapshotEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        TakenAt = takenAt;
        Entries = entries;
    }

    /// <summary>Gets when the snapshot was taken.</summary>
    public DateTimeOffset TakenAt { get; }

    /// <summary>Gets the keys.</summary>
    public IReadOnlyList<KeyCacheSnapshotEntry> Entries { get; }

    /// <summary>Zeroes every entry.</summary>
    public void Dispose()
    {
        foreach (var entry in Entries)
        {
            entry.Dispose();
        }
    }
}

namespace KesGateway.Server.Configuration;

/// <summary>Key cache expiry (<c>cache.expiry</c>); <see cref="TimeSpan.Zero"/> turns a timer off.</summary>
public sealed record CacheConfig
{
    /// <summary>Gets how long any cached key lives.</summary>
    /// <value>Default 5 minutes (KES's documented default).</value>
    public TimeSpan Any { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets how long an unused cached key lives.</summary>
    /// <value>Default 30 seconds (KES's documented default; <c>kes server</c> itself has a bug here).</value>
    public TimeSpan Unused { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long cached keys keep serving while the keystore is offline.</summary>
    /// <value>Default zero (off).</value>
    public TimeSpan Offline { get; init; }

    /// <summary>Gets the warm-start snapshot settings (<c>cache.snapshot</c>), or null when off.</summary>
    /// <value>Default null (no snapshot, as KES).</value>
    public SnapshotConfig? Snapshot { get; init; }
}

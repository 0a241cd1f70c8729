namespace KesGateway.Core.Keystore;

/// <summary>Timers of the <see cref="KeyCache"/> (kes-compat §8.2); the defaults are the ones KES documents.</summary>
public sealed class KeyCacheOptions
{
    /// <summary>Gets or sets how often every entry is dropped, used or not; zero turns the timer off.</summary>
    /// <value>5 minutes.</value>
    public TimeSpan Any { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long an idle entry may live (it is dropped after between half and all of it); zero turns it off.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan Unused { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often every entry is dropped while the keystore is offline; zero (off) keeps the
    /// <see cref="Any"/> and <see cref="Unused"/> timers running during an outage instead.
    /// </summary>
    /// <value>Zero (offline caching off).</value>
    public TimeSpan Offline { get; set; }

    /// <summary>Gets or sets how often the keystore's status is probed to mark the cache online or offline.</summary>
    /// <value>10 seconds, as KES.</value>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the clock that drives every timer.</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws if a value is out of range (negative durations, a non-positive status interval).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Any, TimeSpan.Zero, nameof(Any));
        ArgumentOutOfRangeException.ThrowIfLessThan(Unused, TimeSpan.Zero, nameof(Unused));
        ArgumentOutOfRangeException.ThrowIfLessThan(Offline, TimeSpan.Zero, nameof(Offline));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StatusInterval, TimeSpan.Zero, nameof(StatusInterval));
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}

using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Hosting;

/// <summary>What a keystore needs from the host: the clock and a logger for its background work (logins, seal checks).</summary>
/// <param name="Time">The clock.</param>
/// <param name="Logger">The logger.</param>
public sealed record KeyStoreContext(TimeProvider Time, ILogger Logger)
{
    /// <summary>Gets how often the key cache probes the keystore's status.</summary>
    /// <value>Default 10 s, KES's fixed interval.</value>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(10);
}

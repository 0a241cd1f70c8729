using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Hosting;

/// <summary>What a keystore needs from the host: the clock and a logger for its background work (logins, seal checks).</summary>
/// <param name="Time">The clock.</param>
/// <param name="Logger">The logger.</param>
public sealed record KeyStoreContext(TimeProvider Time, ILogger Logger);

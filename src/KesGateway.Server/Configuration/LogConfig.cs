namespace KesGateway.Server.Configuration;

/// <summary>Log levels (<c>log:</c>), as slog levels: DEBUG −4, INFO 0, WARN 4, ERROR 8; above ERROR is off.</summary>
public sealed record LogConfig
{
    /// <summary>The level that turns a log off (<c>off</c> = ERROR+1).</summary>
    public const int Off = 9;

    /// <summary>Gets the error log level.</summary>
    /// <value>Default INFO (0).</value>
    public int Error { get; init; }

    /// <summary>Gets the audit log level; audit events are INFO, so anything above INFO silences them.</summary>
    /// <value>Default INFO (0): on, as KES does despite its docs.</value>
    public int Audit { get; init; }
}

namespace KesGateway.Server.Configuration;

/// <summary>The in-memory keystore (dev mode only; not configurable in a file).</summary>
public sealed record MemoryKeyStoreConfig : KeyStoreConfig
{
    /// <inheritdoc/>
    public override string Kind => "memory";
}

namespace KesGateway.Server.Configuration;

/// <summary>The filesystem keystore (<c>keystore.fs</c>).</summary>
/// <param name="Path">The directory holding one file per key.</param>
public sealed record FsKeyStoreConfig(string Path) : KeyStoreConfig
{
    /// <inheritdoc/>
    public override string Kind => "fs";
}

using System.Collections.Immutable;

namespace KesGateway.Server.Configuration;

/// <summary>A keystore the file names and validates but this version cannot serve yet (Vault until its issue lands, cloud stores).</summary>
/// <param name="Name">The kind as named in the file.</param>
/// <param name="Settings">The validated settings, flattened to dotted names (secrets removed), for messages and later use.</param>
public sealed record UnsupportedKeyStoreConfig(string Name, ImmutableDictionary<string, string> Settings) : KeyStoreConfig
{
    /// <inheritdoc/>
    public override string Kind => Name;
}

using System.Collections.Immutable;

namespace KesGateway.Server.Configuration;

/// <summary>A keystore the file names and validates but this version cannot serve (fortanix, gemalto, gcp, aws, azure, entrust).</summary>
/// <param name="Name">The kind as named in the file.</param>
/// <param name="Settings">The validated settings, flattened to dotted names relative to the kind (e.g. <c>secretsmanager.region</c>); secret values read <c>&lt;redacted&gt;</c>.</param>
public sealed record UnsupportedKeyStoreConfig(string Name, ImmutableDictionary<string, string> Settings) : KeyStoreConfig
{
    /// <inheritdoc/>
    public override string Kind => Name;
}

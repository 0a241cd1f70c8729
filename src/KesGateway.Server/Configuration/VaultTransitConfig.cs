namespace KesGateway.Server.Configuration;

/// <summary>Vault transit encryption of stored values (<c>keystore.vault.transit</c>).</summary>
public sealed record VaultTransitConfig
{
    /// <summary>Gets the mount path of the transit engine.</summary>
    /// <value>Default <c>transit</c>.</value>
    public string Engine { get; init; } = "transit";

    /// <summary>Gets the name of the transit key.</summary>
    public required string Key { get; init; }
}

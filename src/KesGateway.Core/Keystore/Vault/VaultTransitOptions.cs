namespace KesGateway.Core.Keystore.Vault;

/// <summary>Transit encryption of stored values (<c>keystore.vault.transit</c>).</summary>
public sealed class VaultTransitOptions
{
    /// <summary>Gets or sets the mount path of the transit engine.</summary>
    /// <value>Default <c>transit</c>.</value>
    public string Engine { get; set; } = "transit";

    /// <summary>Gets or sets the name of the transit key.</summary>
    public string Key { get; set; } = string.Empty;
}

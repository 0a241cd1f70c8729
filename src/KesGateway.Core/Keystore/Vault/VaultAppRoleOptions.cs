namespace KesGateway.Core.Keystore.Vault;

/// <summary>AppRole login to Vault (<c>keystore.vault.approle</c>).</summary>
public sealed class VaultAppRoleOptions
{
    /// <summary>Gets or sets the mount path of the AppRole auth method; login goes to <c>auth/&lt;engine&gt;/login</c>.</summary>
    /// <value>Default <c>approle</c>.</value>
    public string Engine { get; set; } = "approle";

    /// <summary>Gets or sets the namespace of the login only: empty uses <see cref="VaultOptions.Namespace"/>, <c>/</c> the root namespace.</summary>
    /// <value>Default empty.</value>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>Gets or sets the role ID.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the secret ID (a credential: it never appears in messages or logs).</summary>
    public string Secret { get; set; } = string.Empty;

    /// <inheritdoc/>
    public override string ToString() => $"AppRole {{ Engine = {Engine}, Namespace = {Namespace}, Id = {Id}, Secret = <redacted> }}";
}

namespace KesGateway.Core.Keystore.Vault;

/// <summary>Kubernetes login to Vault (<c>keystore.vault.kubernetes</c>); exactly one of <see cref="Jwt"/> and <see cref="JwtFile"/> is set.</summary>
public sealed class VaultKubernetesOptions
{
    /// <summary>Gets or sets the mount path of the Kubernetes auth method; login goes to <c>auth/&lt;engine&gt;/login</c>.</summary>
    /// <value>Default <c>kubernetes</c>.</value>
    public string Engine { get; set; } = "kubernetes";

    /// <summary>Gets or sets the namespace of the login only: empty uses <see cref="VaultOptions.Namespace"/>, <c>/</c> the root namespace.</summary>
    /// <value>Default empty.</value>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>Gets or sets the Vault role to log in as.</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>Gets or sets the service-account token itself (a credential), or <see langword="null"/>.</summary>
    public string? Jwt { get; set; }

    /// <summary>Gets or sets the file holding the service-account token, read again at every login so a rotated
    /// (projected) token keeps working; its content is sent verbatim, as KES does.</summary>
    public string? JwtFile { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Kubernetes {{ Engine = {Engine}, Namespace = {Namespace}, Role = {Role}, Jwt = {(Jwt is null ? string.Empty : "<redacted>")}, JwtFile = {JwtFile} }}";
}

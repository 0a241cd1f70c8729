using System.Text;

namespace KesGateway.Server.Configuration;

/// <summary>Kubernetes login to Vault (<c>keystore.vault.kubernetes</c>); <see cref="ToString"/> never shows an inline token.</summary>
/// <remarks>KES treats a <c>jwt</c> value containing <c>/</c> as a file path and re-reads the file at every login,
/// so a rotated service-account token keeps working; exactly one of <see cref="Jwt"/> and <see cref="JwtFile"/> is set.</remarks>
public sealed record VaultKubernetesConfig
{
    /// <summary>Gets the mount path of the Kubernetes auth method.</summary>
    /// <value>Default <c>kubernetes</c>.</value>
    public string Engine { get; init; } = "kubernetes";

    /// <summary>Gets the namespace used only for login; empty means the main namespace, <c>/</c> the root namespace.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>Gets the Vault role to log in as; empty when not given.</summary>
    public string Role { get; init; } = string.Empty;

    /// <summary>Gets the service-account token written inline in the file (a credential), or <see langword="null"/>.</summary>
    public string? Jwt { get; init; }

    /// <summary>Gets the path of the file holding the token (checked readable at load), or <see langword="null"/>.</summary>
    public string? JwtFile { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Engine = ").Append(Engine)
            .Append(", Namespace = ").Append(Namespace)
            .Append(", Role = ").Append(Role)
            .Append(", Jwt = ").Append(Jwt is null ? string.Empty : "<redacted>")
            .Append(", JwtFile = ").Append(JwtFile);
        return true;
    }

    /// <summary>Gets how long to wait between failed logins (<c>retry</c>); ignored by KES since 2023, honoured here.</summary>
    /// <value>Default <see langword="null"/>: the Vault client's own interval (3 s).</value>
    public TimeSpan? Retry { get; init; }
}

using System.Text;

namespace KesGateway.Server.Configuration;

/// <summary>AppRole login to Vault (<c>keystore.vault.approle</c>); <see cref="ToString"/> never shows the secret.</summary>
public sealed record VaultAppRoleConfig
{
    /// <summary>Gets the mount path of the AppRole auth method.</summary>
    /// <value>Default <c>approle</c>.</value>
    public string Engine { get; init; } = "approle";

    /// <summary>Gets the namespace used only for login; empty means the main namespace, <c>/</c> the root namespace.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>Gets the role ID.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the secret ID (a credential).</summary>
    public required string Secret { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Engine = ").Append(Engine)
            .Append(", Namespace = ").Append(Namespace)
            .Append(", Id = ").Append(Id)
            .Append(", Secret = <redacted>");
        return true;
    }

    /// <summary>Gets how long to wait between failed logins (<c>retry</c>); ignored by KES since 2023, honoured here.</summary>
    /// <value>Default <see langword="null"/>: the Vault client's own interval (3 s).</value>
    public TimeSpan? Retry { get; init; }
}

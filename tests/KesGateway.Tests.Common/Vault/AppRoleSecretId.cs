namespace KesGateway.Tests.Common.Vault;

/// <summary>A secret-id of an AppRole role.</summary>
internal sealed class AppRoleSecretId
{
    public required string Accessor { get; init; }

    public required DateTimeOffset CreationTime { get; init; }

    /// <summary>Gets the expiry from secret_id_ttl; null = never.</summary>
    public DateTimeOffset? ExpirationTime { get; init; }

    /// <summary>Gets or sets the uses left; zero = unlimited.</summary>
    public int UsesLeft { get; set; }
}

namespace KesGateway.Tests.Common.Vault;

/// <summary>A token in the store, with the fields lookup-self reports.</summary>
internal sealed class VaultToken
{
    public required string Id { get; init; }

    public required string Accessor { get; init; }

    public required VaultNamespace Namespace { get; init; }

    public required List<string> Policies { get; init; }

    /// <summary>Gets the token type: "service" or "batch".</summary>
    public required string Type { get; init; }

    public required DateTimeOffset CreationTime { get; init; }

    public required TimeSpan CreationTtl { get; init; }

    /// <summary>Gets or sets when the token expires; null = never (root token).</summary>
    public DateTimeOffset? ExpireTime { get; set; }

    /// <summary>Gets or sets the latest time a renewal can reach; null = no cap (periodic or root).</summary>
    public DateTimeOffset? MaxExpireTime { get; set; }

    public TimeSpan Period { get; init; }

    public TimeSpan ExplicitMaxTtl { get; init; }

    public bool Renewable { get; init; }

    /// <summary>Gets or sets the uses left; zero = unlimited.</summary>
    public int NumUses { get; set; }

    public bool Revoked { get; set; }

    /// <summary>Gets or sets an injected renew-self failure: the status and error text the next renewals get.</summary>
    public (int Status, string Error)? RenewFailure { get; set; }

    public string Path { get; init; } = string.Empty;

    public string DisplayName { get; init; } = "token";

    public Dictionary<string, string> Metadata { get; init; } = [];

    public string EntityId { get; init; } = string.Empty;

    public bool Orphan { get; init; } = true;

    /// <summary>Gets the role the token came from, re-read at renewal (null settings = role deleted).</summary>
    public Func<VaultTokenSettings?>? RenewalSource { get; init; }

    public string RoleName { get; init; } = string.Empty;

    public bool IsRoot => Policies.Contains("root");

    public bool IsExpired(DateTimeOffset now) => ExpireTime is { } expire && now >= expire;
}

namespace KesGateway.Tests.Common.Vault;

/// <summary>A snapshot of a token for assertions.</summary>
public sealed record VaultTokenInfo
{
    public required string Id { get; init; }

    public required string Accessor { get; init; }

    /// <summary>Gets the namespace the token lives in: "" for root, "ns1/" for a child.</summary>
    public required string Namespace { get; init; }

    public required IReadOnlyList<string> Policies { get; init; }

    /// <summary>Gets "service" or "batch".</summary>
    public required string Type { get; init; }

    public required DateTimeOffset CreationTime { get; init; }

    /// <summary>Gets the expiry; null = never (root).</summary>
    public DateTimeOffset? ExpireTime { get; init; }

    /// <summary>Gets the remaining TTL at the time of the snapshot (zero once expired or for root).</summary>
    public TimeSpan Ttl { get; init; }

    public TimeSpan Period { get; init; }

    public bool Renewable { get; init; }

    public int NumUses { get; init; }

    public bool Revoked { get; init; }

    public bool Expired { get; init; }

    /// <summary>Gets the login path that issued it, e.g. "auth/approle/login".</summary>
    public string Path { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

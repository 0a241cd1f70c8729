namespace KesGateway.Tests.Common.Vault;

/// <summary>The token_* parameters an auth role (AppRole, Kubernetes) issues tokens with.</summary>
internal sealed class VaultTokenSettings
{
    public List<string> Policies { get; set; } = [];

    /// <summary>Gets or sets token_ttl; zero = the system default lease TTL.</summary>
    public TimeSpan Ttl { get; set; }

    /// <summary>Gets or sets token_max_ttl; zero = the system max lease TTL.</summary>
    public TimeSpan MaxTtl { get; set; }

    /// <summary>Gets or sets token_period; non-zero makes periodic tokens that renew to the period without a max.</summary>
    public TimeSpan Period { get; set; }

    public TimeSpan ExplicitMaxTtl { get; set; }

    public int NumUses { get; set; }

    /// <summary>Gets or sets token_type: "default", "service" or "batch".</summary>
    public string Type { get; set; } = "default";

    public bool NoDefaultPolicy { get; set; }
}

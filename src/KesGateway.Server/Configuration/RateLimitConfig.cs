using System.Collections.Immutable;
using System.Text;

namespace KesGateway.Server.Configuration;

/// <summary>A tenant's rate limits (<c>limits:</c> at the top level or in <c>tenants.&lt;name&gt;</c>); nothing is limited by default.</summary>
/// <remarks>
/// A request passes every budget that applies to it: the tenant's, its policy's (shared by all identities the policy
/// names) and its identity's own, each split into the crypto hot path and the admin routes. Over budget it first waits
/// in a bounded queue, then gets 429 with Retry-After, never a 5xx (MinIO takes any 5xx as a dead KMS).
/// </remarks>
public sealed record RateLimitConfig
{
    /// <summary>Gets the budgets of the whole tenant, all identities together (<c>limits.tenant</c>).</summary>
    public RouteBudgets Tenant { get; init; } = RouteBudgets.None;

    /// <summary>Gets the budgets of each identity, on its own (<c>limits.identity</c>).</summary>
    public RouteBudgets Identity { get; init; } = RouteBudgets.None;

    /// <summary>Gets the budgets per policy name, shared by every identity the policy names (<c>limits.policy.&lt;name&gt;</c>).</summary>
    public ImmutableDictionary<string, RouteBudgets> Policies { get; init; } = ImmutableDictionary<string, RouteBudgets>.Empty;

    /// <summary>Gets how many requests over budget may wait for a token at once (<c>limits.queue.size</c>); 0 rejects at once.</summary>
    /// <value>Default 128.</value>
    public int QueueSize { get; init; } = 128;

    /// <summary>Gets the longest a request waits for a token before it gets 429 (<c>limits.queue.timeout</c>).</summary>
    /// <value>Default 1 second: below MinIO's KMS request timeout, so a queued call still succeeds.</value>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets how many keystore reads (cache misses) may be in flight at once (<c>limits.keystore.concurrency</c>); 0 = no cap.</summary>
    /// <value>Default 16: a miss storm across many keys reaches Vault 16 reads at a time.</value>
    public int KeyStoreConcurrency { get; init; } = 16;

    /// <summary>Gets a value indicating whether any request budget is set.</summary>
    public bool HasBudgets => !Tenant.IsNone || !Identity.IsNone || !Policies.IsEmpty;
}

/// <summary>The budgets of one scope, split by route class.</summary>
/// <param name="Crypto">The budget of generate, encrypt, decrypt, bulk decrypt and hmac, or <see langword="null"/> for none.</param>
/// <param name="Admin">The budget of every other route, or <see langword="null"/> for none.</param>
public sealed record RouteBudgets(Budget? Crypto, Budget? Admin)
{
    /// <summary>Gets the absence of budgets.</summary>
    public static RouteBudgets None { get; } = new(null, null);

    /// <summary>Gets a value indicating whether neither class has a budget.</summary>
    public bool IsNone => Crypto is null && Admin is null;
}

/// <summary>A token bucket: <paramref name="Rate"/> requests per second on average, up to <paramref name="Burst"/> at once.</summary>
/// <param name="Rate">Requests per second (a fraction is allowed, e.g. 0.5).</param>
/// <param name="Burst">The bucket's size: requests that may arrive at once after a quiet spell.</param>
public sealed record Budget(double Rate, int Burst);

/// <summary>The Redis server that replicas share their budgets through (<c>gateway.redis</c>); <see cref="ToString"/> never shows the password.</summary>
public sealed record RedisConfig
{
    /// <summary>Gets the server, <c>host:port</c> (several comma-separated for a replicated set).</summary>
    public required string Endpoint { get; init; }

    /// <summary>Gets the password, if any.</summary>
    public string? Password { get; init; }

    /// <summary>Gets the ACL user name, if any.</summary>
    public string? User { get; init; }

    /// <summary>Gets a value indicating whether the connection uses TLS.</summary>
    public bool Tls { get; init; }

    /// <summary>Gets the prefix of every key the gateway writes, so several gateways can share one Redis.</summary>
    /// <value>Default <c>kesgw</c>.</value>
    public string Prefix { get; init; } = "kesgw";

    /// <summary>Gets how long a Redis call may take before the replica falls back to its own budgets.</summary>
    /// <value>Default 250 ms: a rate-limit decision must never cost more than the call it guards.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(250);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Endpoint = ").Append(Endpoint)
            .Append(", User = ").Append(User)
            .Append(", Password = ").Append(string.IsNullOrEmpty(Password) ? string.Empty : "<redacted>")
            .Append(", Tls = ").Append(Tls)
            .Append(", Prefix = ").Append(Prefix)
            .Append(", Timeout = ").Append(Timeout);
        return true;
    }
}

using System.Collections.Frozen;
using System.Collections.Immutable;

namespace KesGateway.Core.Policy;

/// <summary>An immutable snapshot of the admin identity and the policies; swapped whole on reload.</summary>
public sealed class PolicySet
{
    private readonly FrozenDictionary<string, KesPolicy> _byName;
    private readonly FrozenDictionary<string, KesPolicy> _byIdentity;

    private PolicySet(string admin, FrozenDictionary<string, KesPolicy> byName, FrozenDictionary<string, KesPolicy> byIdentity, DateTimeOffset createdAt)
    {
        Admin = admin;
        _byName = byName;
        _byIdentity = byIdentity;
        CreatedAt = createdAt;
        Names = [.. byName.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Gets the admin identity; any string that is not a computed identity (e.g. <c>disabled</c>) turns the admin off.</summary>
    public string Admin { get; }

    /// <summary>Gets when the policies were loaded; KES reports the server start time as every policy's creation time.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Gets the policy names, sorted ordinally.</summary>
    public ImmutableArray<string> Names { get; }

    /// <summary>Gets every identity assigned to a policy.</summary>
    public IEnumerable<string> AssignedIdentities => _byIdentity.Keys;

    /// <summary>Builds a policy set, refusing an identity assigned twice or an admin listed in a policy.</summary>
    /// <exception cref="ArgumentException">The policies break one of KES's assignment rules; the message says which.</exception>
    public static PolicySet Create(string admin, IEnumerable<KesPolicy> policies, DateTimeOffset createdAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(admin);
        ArgumentNullException.ThrowIfNull(policies);

        var byName = new Dictionary<string, KesPolicy>(StringComparer.Ordinal);
        var byIdentity = new Dictionary<string, KesPolicy>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            if (!byName.TryAdd(policy.Name, policy))
            {
                throw new ArgumentException($"policy '{policy.Name}' is defined more than once", nameof(policies));
            }

            foreach (var identity in policy.Identities)
            {
                if (identity == admin)
                {
                    throw new ArgumentException($"invalid policy '{policy.Name}': identity '{identity}' is already admin", nameof(policies));
                }

                if (byIdentity.TryGetValue(identity, out var other))
                {
                    throw new ArgumentException(
                        $"cannot assign policy '{policy.Name}' to '{identity}': identity already has policy '{other.Name}'", nameof(policies));
                }

                byIdentity.Add(identity, policy);
            }
        }

        return new PolicySet(admin, byName.ToFrozenDictionary(StringComparer.Ordinal), byIdentity.ToFrozenDictionary(StringComparer.Ordinal), createdAt);
    }

    /// <summary>Authorizes <paramref name="identity"/> for the percent-decoded request <paramref name="path"/>.</summary>
    /// <remarks>The admin bypasses policies (deny rules included); identities compare case-sensitively, as in KES.</remarks>
    public PolicyDecision Authorize(string identity, ReadOnlySpan<char> path)
    {
        if (identity == Admin)
        {
            return new PolicyDecision(PolicyOutcome.Admin, null, null);
        }

        return _byIdentity.TryGetValue(identity, out var policy)
            ? policy.Verify(path)
            : new PolicyDecision(PolicyOutcome.UnknownIdentity, null, null);
    }

    /// <summary>Finds a policy by name.</summary>
    public bool TryGetPolicy(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KesPolicy? policy) =>
        _byName.TryGetValue(name, out policy);

    /// <summary>Finds the policy assigned to an identity.</summary>
    public bool TryGetPolicyOf(string identity, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KesPolicy? policy) =>
        _byIdentity.TryGetValue(identity, out policy);
}

namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// The ACL decision of §9.9: among every rule of the token's policies that matches the path, only the single most
/// specific pattern counts (identical patterns from several policies are unioned); deny beats everything.
/// </summary>
internal static class VaultAcl
{
    public static bool IsAllowed(IEnumerable<VaultPolicy> policies, string path, VaultOperation operation) =>
        Capabilities(policies, path, operation) is var granted
        && !granted.HasFlag(VaultCapabilities.Deny)
        && granted.HasFlag(Required(operation));

    /// <summary>The capabilities the most specific matching pattern grants; root grants all.</summary>
    public static VaultCapabilities Capabilities(IEnumerable<VaultPolicy> policies, string path, VaultOperation operation)
    {
        VaultPolicyRule? best = null;
        var granted = VaultCapabilities.None;
        foreach (var policy in policies)
        {
            if (policy.Name == "root")
            {
                return VaultCapabilities.All;
            }

            foreach (var rule in policy.Rules)
            {
                if (!rule.Matches(path, operation))
                {
                    continue;
                }

                if (best is null || VaultPolicyRule.ComparePriority(rule, best) > 0)
                {
                    best = rule;
                    granted = rule.Capabilities;
                }
                else if (rule.Pattern == best.Pattern)
                {
                    granted |= rule.Capabilities;
                }
            }
        }

        return granted;
    }

    public static VaultCapabilities Required(VaultOperation operation) => operation switch
    {
        VaultOperation.Read or VaultOperation.Header => VaultCapabilities.Read,
        VaultOperation.List => VaultCapabilities.List,
        VaultOperation.Create => VaultCapabilities.Create,
        VaultOperation.Update => VaultCapabilities.Update,
        VaultOperation.Delete => VaultCapabilities.Delete,
        VaultOperation.Patch => VaultCapabilities.Patch,
        _ => VaultCapabilities.Sudo,
    };
}

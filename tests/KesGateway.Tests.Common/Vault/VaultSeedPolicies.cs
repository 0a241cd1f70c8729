namespace KesGateway.Tests.Common.Vault;

/// <summary>The KES tutorial's Vault policies, verbatim but for trailing blanks (seed-vault-tutorial.md), as fixtures.</summary>
public static class VaultSeedPolicies
{
    /// <summary>"Use the following kes-policy.hcl policy for the K/V v1 backend".</summary>
    public const string KvV1 = """
        path "kv/*" {
           capabilities = [ "create", "read", "delete", "list" ]
        }
        """;

    /// <summary>"Use the following kes-policy.hcl policy for the K/V v2 backend".</summary>
    public const string KvV2 = """
        path "kv/data/*" {
           capabilities = [ "create", "read" ]
        }
        path "kv/metadata/*" {
           capabilities = [ "list", "delete" ]
        }
        """;

    /// <summary>Multi-tenancy with K/V prefixes, K/V v1 (no list, by design).</summary>
    public static string TenantKvV1(string tenant) => $$"""
        path "kv/{{tenant}}/*" {
           capabilities = [ "create", "read", "delete" ]
        }
        """;

    /// <summary>Multi-tenancy with K/V prefixes, K/V v2.</summary>
    public static string TenantKvV2(string tenant) => $$"""
        path "kv/data/{{tenant}}/*" {
          capabilities = [ "create", "read" ]
        }
        path "kv/metadata/{{tenant}}/*" {
          capabilities = [ "list", "delete" ]
        }
        """;

    /// <summary>The transit grants of §10.4; <paramref name="upsert"/> adds "create" on encrypt.</summary>
    public static string Transit(string key, bool upsert = false, string engine = "transit") => $$"""
        path "{{engine}}/encrypt/{{key}}" {
          capabilities = [{{(upsert ? "\"create\", " : string.Empty)}}"update"]
        }
        path "{{engine}}/decrypt/{{key}}" {
          capabilities = ["update"]
        }
        """;
}

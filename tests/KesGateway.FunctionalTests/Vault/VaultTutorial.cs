using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>The tutorial's "Setup KES Access to Vault" steps, one call per CLI command.</summary>
internal static class VaultTutorial
{
    public static readonly DateTimeOffset Start = new(2025, 1, 30, 9, 41, 53, TimeSpan.Zero);

    public static (string RoleId, string SecretId) Setup(VaultDouble vault, int kvVersion, string policy, string? ns = null)
    {
        vault.EnableKv("kv", version: kvVersion, ns: ns);              // vault secrets enable -version=N kv
        vault.WritePolicy("kes-policy", policy, ns);                   // vault policy write kes-policy kes-policy.hcl
        vault.EnableAppRole("approle", ns);                            // vault auth enable approle
        vault.WriteAppRole("kes-server", tokenNumUses: 0, secretIdNumUses: 0, period: TimeSpan.FromMinutes(5), ns: ns);
        vault.WriteAppRole("kes-server", policies: ["kes-policy"], ns: ns);
        var roleId = vault.ReadRoleId("kes-server", ns: ns);           // vault read auth/approle/role/kes-server/role-id
        var secretId = vault.GenerateSecretId("kes-server", ns: ns);   // vault write -f auth/approle/role/kes-server/secret-id
        return (roleId, secretId);
    }
}

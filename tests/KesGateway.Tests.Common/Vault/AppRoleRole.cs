namespace KesGateway.Tests.Common.Vault;

/// <summary>An AppRole role: role-id, secret-id rules and the token settings of its logins.</summary>
internal sealed class AppRoleRole
{
    public required string Name { get; init; }

    public string RoleId { get; set; } = Guid.NewGuid().ToString();

    public bool BindSecretId { get; set; } = true;

    public int SecretIdNumUses { get; set; }

    public TimeSpan SecretIdTtl { get; set; }

    public VaultTokenSettings Token { get; } = new();

    public string EntityId { get; } = Guid.NewGuid().ToString();

    public Dictionary<string, AppRoleSecretId> SecretIds { get; } = new(StringComparer.Ordinal);
}

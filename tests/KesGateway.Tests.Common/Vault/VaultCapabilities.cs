namespace KesGateway.Tests.Common.Vault;

/// <summary>ACL capabilities of a policy rule.</summary>
[Flags]
internal enum VaultCapabilities
{
    None = 0,
    Create = 1,
    Read = 2,
    Update = 4,
    Delete = 8,
    List = 16,
    Patch = 32,
    Sudo = 64,
    Deny = 128,
    All = Create | Read | Update | Delete | List | Patch | Sudo,
}

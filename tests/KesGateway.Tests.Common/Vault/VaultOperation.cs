namespace KesGateway.Tests.Common.Vault;

/// <summary>Vault's logical operation for a request, after the method mapping of §9.1 and the existence check.</summary>
internal enum VaultOperation
{
    Read,
    List,
    Create,
    Update,
    Delete,
    Patch,
    Header,
}

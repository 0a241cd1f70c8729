namespace KesGateway.Tests.Common.Vault;

/// <summary>Where a token came from: the login path, display name, metadata and the role to re-read on renewal.</summary>
internal sealed class VaultTokenOrigin
{
    public required string Path { get; init; }

    public required string DisplayName { get; init; }

    public Dictionary<string, string> Metadata { get; init; } = [];

    public string EntityId { get; init; } = string.Empty;

    public Func<VaultTokenSettings?>? RenewalSource { get; init; }

    public string RoleName { get; init; } = string.Empty;
}

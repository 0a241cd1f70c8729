namespace KesGateway.Tests.Common.Vault;

/// <summary>A Kubernetes auth role: bound service account names and namespaces ('*' = any) and token settings.</summary>
internal sealed class KubernetesRole
{
    public required string Name { get; init; }

    public List<string> BoundServiceAccountNames { get; set; } = [];

    public List<string> BoundServiceAccountNamespaces { get; set; } = [];

    public VaultTokenSettings Token { get; } = new();

    public string EntityId { get; } = Guid.NewGuid().ToString();
}

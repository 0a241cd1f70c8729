using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>A request after routing: operation, namespace, paths, body and the token it carried.</summary>
internal sealed class VaultRequestContext
{
    public required VaultRequestRecord Record { get; init; }

    /// <summary>Gets or sets the operation; the existence check turns Update into Create.</summary>
    public required VaultOperation Operation { get; set; }

    public required VaultNamespace Namespace { get; init; }

    /// <summary>Gets the namespace-relative path ('/' appended for lists).</summary>
    public required string Path { get; init; }

    /// <summary>Gets the path inside the mount.</summary>
    public required string RelativePath { get; init; }

    public required IReadOnlyDictionary<string, string> Query { get; init; }

    public required JsonObject Body { get; init; }

    public required DateTimeOffset Now { get; init; }

    public VaultToken? Token { get; init; }

    public string? ContentType { get; init; }
}

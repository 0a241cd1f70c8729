using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>GET /version</c>.</summary>
public sealed record VersionResponse
{
    /// <summary>Gets the server version.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Gets the source commit.</summary>
    [JsonPropertyName("commit")]
    public required string Commit { get; init; }
}

using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>One route as <c>GET /v1/api</c> reports it.</summary>
public sealed record ApiRouteResponse
{
    /// <summary>Gets the method.</summary>
    [JsonPropertyName("method")]
    public required string Method { get; init; }

    /// <summary>Gets the route path.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Gets the body limit in bytes.</summary>
    [JsonPropertyName("max_body")]
    public long MaxBody { get; init; }

    /// <summary>Gets the timeout in whole seconds; 0 = none.</summary>
    [JsonPropertyName("timeout")]
    public long Timeout { get; init; }
}

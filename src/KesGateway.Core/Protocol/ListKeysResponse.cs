using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/key/list/</c>.</summary>
public sealed record ListKeysResponse
{
    /// <summary>Gets the matching names, sorted.</summary>
    [JsonPropertyName("names")]
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>Gets where a next page would start; omitted (we return every name at once).</summary>
    [JsonPropertyName("continue_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContinueAt { get; init; }
}

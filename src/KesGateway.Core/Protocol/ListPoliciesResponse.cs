using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/policy/list/</c>.</summary>
public sealed record ListPoliciesResponse
{
    /// <summary>Gets the matching names, sorted.</summary>
    [JsonPropertyName("names")]
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>Gets always empty; KES always sends it.</summary>
    [JsonPropertyName("continue_at")]
    public required string ContinueAt { get; init; }
}

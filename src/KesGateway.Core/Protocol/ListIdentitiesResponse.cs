using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/identity/list/</c>.</summary>
public sealed record ListIdentitiesResponse
{
    /// <summary>Gets the matching identities, sorted.</summary>
    [JsonPropertyName("identities")]
    public required IReadOnlyList<string> Identities { get; init; }

    /// <summary>Gets always empty; KES always sends it.</summary>
    [JsonPropertyName("continue_at")]
    public required string ContinueAt { get; init; }
}

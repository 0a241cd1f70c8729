using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/policy/read/</c>; patterns are object keys with empty objects as values.</summary>
public sealed record ReadPolicyResponse
{
    /// <summary>Gets the policy name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the allow patterns.</summary>
    [JsonPropertyName("allow")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, EmptyObject>? Allow { get; init; }

    /// <summary>Gets the deny patterns.</summary>
    [JsonPropertyName("deny")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, EmptyObject>? Deny { get; init; }

    /// <summary>Gets the server start time.</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the admin identity.</summary>
    [JsonPropertyName("created_by")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; init; }
}

using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/identity/self/describe</c>, in the shape the Go SDK decodes.</summary>
public sealed record SelfDescribeResponse
{
    /// <summary>Gets the caller's identity.</summary>
    [JsonPropertyName("identity")]
    public required string Identity { get; init; }

    /// <summary>Gets whether the caller is the admin.</summary>
    [JsonPropertyName("admin")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Admin { get; init; }

    /// <summary>Gets the caller's policy name.</summary>
    [JsonPropertyName("policy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Policy { get; init; }

    /// <summary>Gets the policy's allow patterns.</summary>
    [JsonPropertyName("allow")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, EmptyObject>? Allow { get; init; }

    /// <summary>Gets the policy's deny patterns.</summary>
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

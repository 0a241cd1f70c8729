using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/identity/describe/</c>.</summary>
public sealed record DescribeIdentityResponse
{
    /// <summary>Gets the assigned policy.</summary>
    [JsonPropertyName("policy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Policy { get; init; }

    /// <summary>Gets whether the identity is the admin.</summary>
    [JsonPropertyName("admin")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Admin { get; init; }

    /// <summary>Gets the server start time.</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the admin identity.</summary>
    [JsonPropertyName("created_by")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; init; }
}

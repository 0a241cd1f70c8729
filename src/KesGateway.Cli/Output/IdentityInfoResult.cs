using System.Text.Json.Serialization;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Output;

/// <summary>The JSON <c>kesgw identity info</c> prints: the identity, its role and policy (snake_case like KES's JSON).</summary>
internal sealed class IdentityInfoResult
{
    /// <summary>Gets the identity described.</summary>
    [JsonPropertyName("identity")]
    public required string Identity { get; init; }

    /// <summary>Gets whether the identity is the server's admin.</summary>
    [JsonPropertyName("admin")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Admin { get; init; }

    /// <summary>Gets the policy assigned to the identity, if any.</summary>
    [JsonPropertyName("policy")]
    public string? Policy { get; init; }

    /// <summary>Gets the policy's allow patterns (only for one's own identity).</summary>
    [JsonPropertyName("allow")]
    public IReadOnlyDictionary<string, EmptyObject>? Allow { get; init; }

    /// <summary>Gets the policy's deny patterns (only for one's own identity).</summary>
    [JsonPropertyName("deny")]
    public IReadOnlyDictionary<string, EmptyObject>? Deny { get; init; }

    /// <summary>Gets when the identity was assigned.</summary>
    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets who assigned the identity.</summary>
    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }
}

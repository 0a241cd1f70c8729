using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The request part of an <see cref="AuditEvent"/>.</summary>
public sealed record AuditRequest
{
    /// <summary>Gets the client IP; omitted when unknown.</summary>
    [JsonPropertyName("ip")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IP { get; init; }

    /// <summary>Gets the URL path.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Gets the caller's identity; omitted when none.</summary>
    [JsonPropertyName("identity")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Identity { get; init; }
}

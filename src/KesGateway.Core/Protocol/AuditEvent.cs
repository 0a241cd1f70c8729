using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>One line of the <c>/v1/log/audit</c> stream.</summary>
public sealed record AuditEvent
{
    /// <summary>Gets when the request finished.</summary>
    [JsonPropertyName("time")]
    public DateTimeOffset Time { get; init; }

    /// <summary>Gets the request.</summary>
    [JsonPropertyName("request")]
    public required AuditRequest Request { get; init; }

    /// <summary>Gets the response.</summary>
    [JsonPropertyName("response")]
    public required AuditResponse Response { get; init; }
}

using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The response part of an <see cref="AuditEvent"/>.</summary>
public sealed record AuditResponse
{
    /// <summary>Gets the status code.</summary>
    [JsonPropertyName("code")]
    public int Code { get; init; }

    /// <summary>Gets how long the request took, in nanoseconds (what the Go SDK decodes).</summary>
    [JsonPropertyName("time")]
    public long Time { get; init; }
}

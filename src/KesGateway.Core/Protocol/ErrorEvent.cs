using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>One line of the <c>/v1/log/error</c> stream.</summary>
public sealed record ErrorEvent
{
    /// <summary>Gets the log line, without its newline.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }
}

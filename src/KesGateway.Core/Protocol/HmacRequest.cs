using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The body of <c>/v1/key/hmac/</c>.</summary>
public sealed record HmacRequest
{
    /// <summary>Gets the message to authenticate.</summary>
    [JsonPropertyName("message")]
    public byte[]? Message { get; init; }
}

using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/key/hmac/</c>.</summary>
public sealed record HmacResponse
{
    /// <summary>Gets hMAC-SHA-256 of the message.</summary>
    [JsonPropertyName("hmac")]
    public required byte[] Hmac { get; init; }
}

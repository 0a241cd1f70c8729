using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The body of <c>/v1/key/encrypt/</c>.</summary>
public sealed record EncryptKeyRequest
{
    /// <summary>Gets the message to seal.</summary>
    [JsonPropertyName("plaintext")]
    public byte[]? Plaintext { get; init; }

    /// <summary>Gets associated data.</summary>
    [JsonPropertyName("context")]
    public byte[]? Context { get; init; }
}

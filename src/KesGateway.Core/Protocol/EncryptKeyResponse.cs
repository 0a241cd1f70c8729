using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/key/encrypt/</c>.</summary>
public sealed record EncryptKeyResponse
{
    /// <summary>Gets the sealed message.</summary>
    [JsonPropertyName("ciphertext")]
    public required byte[] Ciphertext { get; init; }
}

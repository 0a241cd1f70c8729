using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The body of <c>/v1/key/decrypt/</c> and one element of a bulk decrypt.</summary>
public sealed record DecryptKeyRequest
{
    /// <summary>Gets the sealed message, in any KES format.</summary>
    [JsonPropertyName("ciphertext")]
    public byte[]? Ciphertext { get; init; }

    /// <summary>Gets associated data.</summary>
    [JsonPropertyName("context")]
    public byte[]? Context { get; init; }
}

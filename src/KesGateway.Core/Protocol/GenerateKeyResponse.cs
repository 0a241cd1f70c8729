using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/key/generate/</c>: a data key in plain and sealed form.</summary>
public sealed record GenerateKeyResponse
{
    /// <summary>Gets the 32-byte data key.</summary>
    [JsonPropertyName("plaintext")]
    public required byte[] Plaintext { get; init; }

    /// <summary>Gets the data key sealed with the named key.</summary>
    [JsonPropertyName("ciphertext")]
    public required byte[] Ciphertext { get; init; }
}

using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The optional body of <c>/v1/key/generate/</c>.</summary>
public sealed record GenerateKeyRequest
{
    /// <summary>Gets associated data bound to the ciphertext.</summary>
    [JsonPropertyName("context")]
    public byte[]? Context { get; init; }
}

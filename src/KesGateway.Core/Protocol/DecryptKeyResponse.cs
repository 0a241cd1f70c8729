using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>/v1/key/decrypt/</c> and one element of a bulk decrypt answer.</summary>
public sealed record DecryptKeyResponse
{
    /// <summary>Gets the opened message.</summary>
    [JsonPropertyName("plaintext")]
    public required byte[] Plaintext { get; init; }
}

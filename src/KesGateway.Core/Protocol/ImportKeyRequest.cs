using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The body of <c>/v1/key/import/</c>.</summary>
public sealed record ImportKeyRequest
{
    /// <summary>Gets the 32-byte key.</summary>
    [JsonPropertyName("key")]
    public byte[]? Key { get; init; }

    /// <summary>Gets the key type name.</summary>
    [JsonPropertyName("cipher")]
    public string? Cipher { get; init; }
}

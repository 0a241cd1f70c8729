using System.Text.Json.Serialization;

namespace KesGateway.Cli.Output;

/// <summary>The JSON <c>kesgw identity new</c> prints for scripts; snake_case like KES's own JSON.</summary>
internal sealed class IdentityNewResult
{
    /// <summary>Gets the new API key; absent for an ECDSA certificate, whose key is not an API key.</summary>
    [JsonPropertyName("api_key")]
    public string? ApiKey { get; init; }

    /// <summary>Gets the identity of the API key or certificate.</summary>
    [JsonPropertyName("identity")]
    public required string Identity { get; init; }

    /// <summary>Gets the path of the written private key, if any.</summary>
    [JsonPropertyName("private_key_file")]
    public string? PrivateKeyFile { get; init; }

    /// <summary>Gets the path of the written certificate, if any.</summary>
    [JsonPropertyName("certificate_file")]
    public string? CertificateFile { get; init; }
}

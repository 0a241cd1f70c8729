namespace KesGateway.Core.Crypto;

/// <summary>The algorithm family of a KES secret key; the values are the protobuf <c>SecretKey.Type</c> numbers.</summary>
public enum KeyType
{
    /// <summary>AES-256-GCM with a per-message key HMAC-SHA-256(K, iv).</summary>
    AES256 = 1,

    /// <summary>ChaCha20-Poly1305 with a per-message key HChaCha20(K, iv).</summary>
    ChaCha20 = 2,
}

namespace KesGateway.Core.Crypto;

/// <summary>How one message is sealed: the per-message key derivation plus the AEAD.</summary>
internal enum MessageCipher
{
    /// <summary>AES-256-GCM under HMAC-SHA-256(K, iv): KES's AES256 key type, JSON name <c>AES-256-GCM-HMAC-SHA-256</c>.</summary>
    AesGcmHmacSha256 = 1,

    /// <summary>ChaCha20-Poly1305 under HChaCha20(K, iv): KES's ChaCha20 key type, JSON name <c>ChaCha20Poly1305</c>.</summary>
    ChaCha20Poly1305 = 2,

    /// <summary>AES-256-GCM under the insecure AES key derivation of KES v0.1-v0.6 (JSON name <c>AES-256-GCM</c>); opt-in only.</summary>
    AesGcmLegacyKdf = 3,
}

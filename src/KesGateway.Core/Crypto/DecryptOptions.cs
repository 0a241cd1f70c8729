namespace KesGateway.Core.Crypto;

/// <summary>Opt-ins that widen what <see cref="SecretKey"/> decryption accepts beyond current KES.</summary>
[Flags]
public enum DecryptOptions
{
    /// <summary>Accept what current KES accepts, plus the algorithm-from-ciphertext rule for legacy untyped keys.</summary>
    None = 0,

    /// <summary>
    /// Also accept JSON ciphertexts with algorithm <c>AES-256-GCM</c> (KES v0.1-v0.6, 2019-early 2020), whose
    /// per-message key derivation is weak. Applies to AES256 keys only. Off unless such old data must be read.
    /// </summary>
    AllowLegacyAesKdf = 1,
}

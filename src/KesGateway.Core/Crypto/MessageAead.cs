using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using BcChaCha20Poly1305 = Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305;

namespace KesGateway.Core.Crypto;

/// <summary>
/// The AEADs under a per-message key: AES-256-GCM and ChaCha20-Poly1305 (RFC 8439), both with a 12-byte nonce and
/// a 16-byte tag. A new cipher object is created per call because every message has its own key, so there is
/// nothing to reuse; caching one per message would only keep key material alive longer.
/// </summary>
internal static class MessageAead
{
    /// <summary>Length of the per-message key.</summary>
    internal const int KeySize = 32;

    /// <summary>Length of the AEAD nonce.</summary>
    internal const int NonceSize = 12;

    /// <summary>Length of the authentication tag.</summary>
    internal const int TagSize = 16;

    /// <summary>Whether the BCL's ChaCha20-Poly1305 works on this platform; otherwise BouncyCastle's managed one is used.</summary>
    internal static bool UseBouncyCastleChaCha { get; } = !ChaCha20Poly1305.IsSupported;

    /// <summary>Seals <paramref name="plaintext"/> into <paramref name="sealedOutput"/> (ciphertext ‖ tag, plaintext length + 16 bytes).</summary>
    internal static void Seal(
        bool chaCha,
        ReadOnlySpan<byte> messageKey,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData,
        Span<byte> sealedOutput,
        bool useBouncyCastle = false)
    {
        var ciphertext = sealedOutput[..plaintext.Length];
        var tag = sealedOutput.Slice(plaintext.Length, TagSize);
        if (!chaCha)
        {
            using var aes = new AesGcm(messageKey, TagSize);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        }
        else if (useBouncyCastle || UseBouncyCastleChaCha)
        {
            var cipher = CreateBouncyCastle(forEncryption: true, messageKey, nonce, associatedData);
            var written = cipher.ProcessBytes(plaintext, sealedOutput);
            cipher.DoFinal(sealedOutput[written..]);
        }
        else
        {
            using var chaCha20 = new ChaCha20Poly1305(messageKey);
            chaCha20.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        }
    }

    /// <summary>Opens <paramref name="sealedInput"/> (ciphertext ‖ tag) into <paramref name="plaintext"/>; false if it is not authentic.</summary>
    /// <remarks>
    /// The BCL AEADs report a bad tag only by throwing, so failures cost an exception; successes do not.
    /// On failure <paramref name="plaintext"/> is cleared.
    /// </remarks>
    internal static bool TryOpen(
        bool chaCha,
        ReadOnlySpan<byte> messageKey,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> sealedInput,
        ReadOnlySpan<byte> associatedData,
        Span<byte> plaintext,
        bool useBouncyCastle = false)
    {
        if (sealedInput.Length < TagSize)
        {
            return false;
        }

        var length = sealedInput.Length - TagSize;
        var ciphertext = sealedInput[..length];
        var tag = sealedInput[length..];
        plaintext = plaintext[..length];
        try
        {
            if (!chaCha)
            {
                using var aes = new AesGcm(messageKey, TagSize);
                aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            }
            else if (useBouncyCastle || UseBouncyCastleChaCha)
            {
                var cipher = CreateBouncyCastle(forEncryption: false, messageKey, nonce, associatedData);
                var written = cipher.ProcessBytes(sealedInput, plaintext);
                cipher.DoFinal(plaintext[written..]);
            }
            else
            {
                using var chaCha20 = new ChaCha20Poly1305(messageKey);
                chaCha20.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            }

            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
        catch (InvalidCipherTextException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }

    // Fallback for platforms without a native ChaCha20-Poly1305. KeyParameter keeps its own copy of the
    // per-message key that we cannot wipe; acceptable for a fallback, and the copy dies with the call.
    private static BcChaCha20Poly1305 CreateBouncyCastle(
        bool forEncryption, ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData)
    {
        var cipher = new BcChaCha20Poly1305();
        cipher.Init(forEncryption, new AeadParameters(new KeyParameter(messageKey), TagSize * 8, nonce.ToArray(), associatedData.ToArray()));
        return cipher;
    }
}

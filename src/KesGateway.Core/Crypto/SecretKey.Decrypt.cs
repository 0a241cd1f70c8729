using System.Buffers;
using System.Security.Cryptography;

namespace KesGateway.Core.Crypto;

/// <content>Decryption of every ciphertext format: raw (current), msgpack (2022-2024) and JSON (2019-2022).</content>
public sealed partial class SecretKey
{
    // JSON ciphertexts up to this size are parsed with stack buffers; DEKs (~200 bytes) always are.
    private const int JsonStackLimit = 512;

    /// <summary>
    /// Decrypts <paramref name="ciphertext"/> into <paramref name="destination"/>. Returns false, without throwing,
    /// when the ciphertext is malformed or not authentic under this key and <paramref name="associatedData"/>.
    /// </summary>
    /// <param name="ciphertext">Raw, msgpack or JSON ciphertext (detected by the first byte; an unparsable structured one is tried as raw).</param>
    /// <param name="associatedData">The context used when encrypting.</param>
    /// <param name="destination">Receives the plaintext; <see cref="GetMaxPlaintextLength"/> of the ciphertext length is always enough.</param>
    /// <param name="bytesWritten">The plaintext length.</param>
    /// <param name="options">Opt-ins beyond what current KES accepts.</param>
    /// <exception cref="ArgumentException">The destination is shorter than the plaintext.</exception>
    public bool TryDecrypt(
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> associatedData,
        Span<byte> destination,
        out int bytesWritten,
        DecryptOptions options = DecryptOptions.None)
        => TryDecryptCore(ciphertext, associatedData, options, destination, allocate: false, out _, out bytesWritten);

    /// <summary>Decrypts <paramref name="ciphertext"/> and returns the plaintext in a new array.</summary>
    /// <param name="ciphertext">Raw, msgpack or JSON ciphertext.</param>
    /// <param name="associatedData">The context used when encrypting.</param>
    /// <param name="options">Opt-ins beyond what current KES accepts.</param>
    /// <exception cref="DecryptionException">The ciphertext is malformed or not authentic.</exception>
    public byte[] Decrypt(ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> associatedData, DecryptOptions options = DecryptOptions.None)
    {
        if (!TryDecryptCore(ciphertext, associatedData, options, default, allocate: true, out var plaintext, out _))
        {
            throw new DecryptionException();
        }

        return plaintext!;
    }

    // With allocate, the plaintext goes into a new exact-size array (its length is known only after parsing);
    // otherwise into destination.
    private bool TryDecryptCore(
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> associatedData,
        DecryptOptions options,
        Span<byte> destination,
        bool allocate,
        out byte[]? allocated,
        out int bytesWritten)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        allocated = null;
        bytesWritten = 0;
        if (ciphertext.IsEmpty)
        {
            return false;
        }

        if (ciphertext[0] == MsgpackCiphertextReader.FirstByte
            && MsgpackCiphertextReader.TryRead(ciphertext, out var namedType, out var iv, out var nonce, out var sealedBytes))
        {
            var named = namedType == KeyType.ChaCha20 ? MessageCipher.ChaCha20Poly1305 : MessageCipher.AesGcmHmacSha256;
            return TryOpen(ChooseCipher(named), sealedBytes, iv, nonce, associatedData, destination, allocate, out allocated, out bytesWritten);
        }

        if (ciphertext[0] == (byte)'{')
        {
            Span<byte> jsonIv = stackalloc byte[JsonCiphertextReader.IvSize];
            Span<byte> jsonNonce = stackalloc byte[JsonCiphertextReader.NonceSize];
            byte[]? rented = null;
            var buffer = ciphertext.Length <= JsonStackLimit
                ? stackalloc byte[JsonStackLimit]
                : (rented = ArrayPool<byte>.Shared.Rent(ciphertext.Length));
            try
            {
                var allowLegacy = (options & DecryptOptions.AllowLegacyAesKdf) != 0;
                if (JsonCiphertextReader.TryRead(ciphertext, allowLegacy, jsonIv, jsonNonce, buffer, out var sealedLength, out var named))
                {
                    return TryOpen(ChooseCipher(named), buffer[..sealedLength], jsonIv, jsonNonce, associatedData, destination, allocate, out allocated, out bytesWritten);
                }
            }
            finally
            {
                // The buffer holds only sealed bytes (public ciphertext), so it is returned without clearing.
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        // Raw, or a structured ciphertext that did not parse (KES then tries the bytes unchanged).
        if (ciphertext.Length <= RandomSize)
        {
            return false;
        }

        var body = ciphertext[..^RandomSize];
        var random = ciphertext[^RandomSize..];
        return TryOpen(StoredCipher, body, random[..IvSize], random[IvSize..], associatedData, destination, allocate, out allocated, out bytesWritten);
    }

    // The stored key type decides, except for legacy untyped keys: the servers that used them chose the cipher per
    // ciphertext and recorded it, so it is honoured (spec §6.4 "compatibility hole"; only turns failures into successes).
    private MessageCipher ChooseCipher(MessageCipher named)
    {
        if (named == MessageCipher.AesGcmLegacyKdf)
        {
            // Only parsed with the opt-in; the old derivation is an AES key schedule, so it needs an AES key.
            return Type == KeyType.AES256 ? named : StoredCipher;
        }

        return IsLegacyUntyped ? named : StoredCipher;
    }

    private bool TryOpen(
        MessageCipher cipher,
        ReadOnlySpan<byte> sealedBytes,
        ReadOnlySpan<byte> iv,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> associatedData,
        Span<byte> destination,
        bool allocate,
        out byte[]? allocated,
        out int bytesWritten)
    {
        allocated = null;
        bytesWritten = 0;
        if (sealedBytes.Length < MessageAead.TagSize)
        {
            return false;
        }

        var length = sealedBytes.Length - MessageAead.TagSize;
        byte[]? output = null;
        if (allocate)
        {
            output = length == 0 ? [] : new byte[length];
            destination = output;
        }
        else if (destination.Length < length)
        {
            throw new ArgumentException("The destination is shorter than the plaintext.", nameof(destination));
        }

        bool authentic;
        Span<byte> messageKey = stackalloc byte[MessageAead.KeySize];
        try
        {
            DeriveMessageKey(cipher, iv, messageKey);
            authentic = MessageAead.TryOpen(cipher == MessageCipher.ChaCha20Poly1305, messageKey, nonce, sealedBytes, associatedData, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }

        if (!authentic)
        {
            return false;
        }

        allocated = output;
        bytesWritten = length;
        return true;
    }
}

using System.Buffers;
using System.Text.Json;

using KesGateway.Core.Protocol;

namespace KesGateway.Core.Crypto;

/// <summary>
/// Reads the JSON ciphertexts of KES v0.1-v0.19.1: <c>{"aead":ALG,"iv":b64,"nonce":b64,"bytes":b64[,"id":hex]}</c>,
/// with Go <c>encoding/json</c> semantics (case-insensitive names, last duplicate wins, <c>null</c> leaves a field
/// unchanged, unknown fields ignored, one value with nothing but whitespace after it).
/// </summary>
/// <remarks>
/// Known difference from Go, for input KES never wrote: Go also accepts a JSON array of numbers for a byte field;
/// here that makes the parse fail (and the bytes are then tried as raw). Invalid UTF-8 inside strings is accepted
/// where Go accepts it (the ignored <c>id</c>, unknown fields).
/// </remarks>
internal static class JsonCiphertextReader
{
    /// <summary>Length the <c>iv</c> field must decode to.</summary>
    internal const int IvSize = 16;

    /// <summary>Length the <c>nonce</c> field must decode to.</summary>
    internal const int NonceSize = 12;

    // Go's decoder nests up to 10000 levels; unknown fields may hold deep values.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 10_000 };

    private enum Field
    {
        Unknown,
        Aead,
        Id,
        Iv,
        Nonce,
        Bytes,
    }

    /// <summary>
    /// Parses <paramref name="json"/>; on success <paramref name="iv"/> (16 bytes) and <paramref name="nonce"/>
    /// (12 bytes) are filled and the sealed bytes are the first <paramref name="sealedLength"/> bytes of
    /// <paramref name="sealedBuffer"/>, which must be at least as long as <paramref name="json"/>.
    /// </summary>
    /// <param name="json">The ciphertext bytes (first byte <c>{</c>).</param>
    /// <param name="allowLegacyAesKdf">Whether the algorithm name <c>AES-256-GCM</c> of KES v0.1-v0.6 is accepted.</param>
    /// <param name="iv">Receives the iv.</param>
    /// <param name="nonce">Receives the nonce.</param>
    /// <param name="sealedBuffer">Receives the sealed bytes (ciphertext ‖ tag).</param>
    /// <param name="sealedLength">The length of the sealed bytes.</param>
    /// <param name="cipher">The cipher the ciphertext names.</param>
    internal static bool TryRead(
        ReadOnlySpan<byte> json,
        bool allowLegacyAesKdf,
        Span<byte> iv,
        Span<byte> nonce,
        Span<byte> sealedBuffer,
        out int sealedLength,
        out MessageCipher cipher)
    {
        sealedLength = 0;
        cipher = default;
        try
        {
            return TryReadCore(json, allowLegacyAesKdf, iv[..IvSize], nonce[..NonceSize], sealedBuffer, out sealedLength, out cipher);
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // Unescaping an invalid surrogate escape; Go turns it into U+FFFD, which no valid value contains.
            return false;
        }
    }

    private static bool TryReadCore(
        ReadOnlySpan<byte> json,
        bool allowLegacyAesKdf,
        Span<byte> iv,
        Span<byte> nonce,
        Span<byte> sealedBuffer,
        out int sealedLength,
        out MessageCipher cipher)
    {
        sealedLength = 0;
        cipher = default;
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        MessageCipher? named = null;
        var ivLength = 0;
        var nonceLength = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = MatchField(ref reader);
            reader.Read();

            // Go leaves a field untouched when the value is null, even if an earlier duplicate set it.
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            switch (field)
            {
                case Field.Unknown:
                    reader.Skip();
                    break;
                case Field.Aead:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    named = ParseAlgorithm(ref reader, allowLegacyAesKdf);
                    break;
                case Field.Id:
                    // Validated as a string (Go would fail otherwise) and then ignored, as current KES does.
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    break;
                case Field.Iv:
                    if (!TryReadBytes(ref reader, iv, out ivLength))
                    {
                        return false;
                    }

                    break;
                case Field.Nonce:
                    if (!TryReadBytes(ref reader, nonce, out nonceLength))
                    {
                        return false;
                    }

                    break;
                case Field.Bytes:
                    if (!TryReadBytes(ref reader, sealedBuffer, out sealedLength))
                    {
                        return false;
                    }

                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            // Read() throws on trailing garbage; it can only return true for a second value, which Go rejects too.
            return false;
        }

        if (named is null || ivLength != IvSize || nonceLength != NonceSize)
        {
            return false;
        }

        cipher = named.Value;
        return true;
    }

    private static MessageCipher? ParseAlgorithm(ref Utf8JsonReader reader, bool allowLegacyAesKdf)
    {
        if (reader.ValueTextEquals("AES-256-GCM-HMAC-SHA-256"u8))
        {
            return MessageCipher.AesGcmHmacSha256;
        }

        if (reader.ValueTextEquals("ChaCha20Poly1305"u8))
        {
            return MessageCipher.ChaCha20Poly1305;
        }

        if (allowLegacyAesKdf && reader.ValueTextEquals("AES-256-GCM"u8))
        {
            return MessageCipher.AesGcmLegacyKdf;
        }

        return null;
    }

    private static Field MatchField(ref Utf8JsonReader reader)
    {
        Span<char> buffer = stackalloc char[GoJsonNames.MaxNameBytes];
        if (!GoJsonNames.TryFold(ref reader, buffer, out var length))
        {
            return Field.Unknown;
        }

        return buffer[..length] switch
        {
            "aead" => Field.Aead,
            "id" => Field.Id,
            "iv" => Field.Iv,
            "nonce" => Field.Nonce,
            "bytes" => Field.Bytes,
            _ => Field.Unknown,
        };
    }

    // Decodes a base64 string value into slot. A value that is valid but longer than the slot is reported with its
    // true length (so the length check fails later, yet a later duplicate may still replace it, as in Go).
    private static bool TryReadBytes(ref Utf8JsonReader reader, Span<byte> slot, out int length)
    {
        length = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            return TryDecode(reader.ValueSpan, slot, out length);
        }

        var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var unescaped = rented.AsSpan(0, reader.CopyString(rented));
            return TryDecode(unescaped, slot, out length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryDecode(ReadOnlySpan<byte> base64, Span<byte> slot, out int length)
    {
        if (!GoBase64.TryGetDecodedLength(base64, out length))
        {
            return false;
        }

        return length > slot.Length || GoBase64.TryDecode(base64, slot, out length);
    }
}

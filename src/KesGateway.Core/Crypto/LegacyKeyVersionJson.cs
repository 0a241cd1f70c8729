using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using KesGateway.Core.Protocol;

namespace KesGateway.Core.Crypto;

/// <summary>
/// Reads the legacy JSON key versions of KES ≤ 2024-01 (<c>{"bytes","algorithm","created_at","created_by"}</c>)
/// with Go <c>encoding/json</c> semantics: case-insensitive names, last duplicate wins, <c>null</c> leaves a field
/// unchanged, unknown fields (such as <c>version</c>) ignored.
/// </summary>
internal static class LegacyKeyVersionJson
{
    // Go's decoder nests up to 10000 levels; unknown fields may hold deep values.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 10_000 };

    /// <summary>Whether <paramref name="data"/> is one JSON value (Go's <c>json.Valid</c>); KES reads such values as legacy JSON.</summary>
    internal static bool IsValidJson(ReadOnlySpan<byte> data)
    {
        // Cheap pre-check so that base64 values (almost always starting with a letter) do not cost an exception.
        var start = data.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0 || data[start] is not ((byte)'{' or (byte)'[' or (byte)'"' or (byte)'-' or (>= (byte)'0' and <= (byte)'9') or (byte)'t' or (byte)'f' or (byte)'n'))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(data, ReaderOptions);
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads a key version from JSON already known to be valid; null with an error message (free of key material) if it is not a usable key.</summary>
    internal static KeyVersion? TryRead(ReadOnlySpan<byte> json, out string? error)
    {
        Span<byte> key = stackalloc byte[SecretKey.KeySize];
        try
        {
            return TryReadCore(json, key, out error);
        }
        catch (JsonException)
        {
            error = "malformed JSON";
            return null;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate in a string that has to be unescaped.
            error = "malformed JSON string";
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static KeyVersion? TryReadCore(ReadOnlySpan<byte> json, Span<byte> key, out string? error)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        reader.Read();
        var keyLength = 0;
        string? algorithm = null;
        DateTimeOffset? createdAt = null;
        var createdAtNanosecond = 0;
        var createdBy = string.Empty;

        // A top-level null decodes to the zero value in Go, which then fails the key-length check below.
        if (reader.TokenType != JsonTokenType.Null)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Fail("legacy JSON key version is not a JSON object", out error);
            }

            Span<char> name = stackalloc char[GoJsonNames.MaxNameBytes];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var known = GoJsonNames.TryFold(ref reader, name, out var nameLength);
                var field = known ? name[..nameLength] : Span<char>.Empty;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                switch (field)
                {
                    case "bytes":
                        if (!TryReadKey(ref reader, key, out keyLength))
                        {
                            return Fail("'bytes' is not a base64 string", out error);
                        }

                        break;
                    case "algorithm":
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return Fail("'algorithm' is not a string", out error);
                        }

                        algorithm = GetGoString(ref reader);
                        break;
                    case "created_at":
                        // Go parses the raw bytes between the quotes, so an escaped time is invalid there too.
                        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
                            || !Rfc3339.TryParse(reader.ValueSpan, out var utc, out createdAtNanosecond))
                        {
                            return Fail("'created_at' is not an RFC 3339 time", out error);
                        }

                        createdAt = utc;
                        break;
                    case "created_by":
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return Fail("'created_by' is not a string", out error);
                        }

                        createdBy = GetGoString(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        var type = KeyType.AES256;
        var untyped = string.IsNullOrEmpty(algorithm);
        if (!untyped && !KeyTypeNames.TryParse(algorithm, out type))
        {
            return Fail($"secret key type '{Truncate(algorithm!)}' is not supported", out error);
        }

        if (keyLength != SecretKey.KeySize)
        {
            return Fail($"invalid key length '{keyLength}' for '{KeyTypeNames.GetDisplayName(type)}'", out error);
        }

        error = null;
        return new KeyVersion(new SecretKey(key, type, untyped), hmacKey: null, createdAt, createdAtNanosecond, createdBy);
    }

    // Decodes into the 32-byte key buffer; a valid value of another length only reports its length (an error unless
    // a later duplicate replaces it, as in Go).
    private static bool TryReadKey(ref Utf8JsonReader reader, Span<byte> key, out int length)
    {
        length = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        byte[]? rented = null;
        try
        {
            var text = reader.ValueSpan;
            if (reader.ValueIsEscaped)
            {
                rented = ArrayPool<byte>.Shared.Rent(text.Length);
                text = rented.AsSpan(0, reader.CopyString(rented));
            }

            if (!GoBase64.TryGetDecodedLength(text, out length))
            {
                return false;
            }

            return length != SecretKey.KeySize || GoBase64.TryDecode(text, key, out length);
        }
        finally
        {
            if (rented is not null)
            {
                // The unescaped text is the key in base64.
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    // Go keeps strings with invalid UTF-8, each bad byte replaced by U+FFFD; the BCL replacement is close enough
    // for these fields (an identity and an algorithm name). Escaped strings take the validating path.
    private static string GetGoString(ref Utf8JsonReader reader)
        => reader.ValueIsEscaped ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan);

    private static string Truncate(string value) => value.Length <= 32 ? value : string.Concat(value.AsSpan(0, 32), "…");

    private static KeyVersion? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}

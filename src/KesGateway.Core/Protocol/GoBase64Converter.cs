using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>Reads <c>[]byte</c> fields as Go does: standard padded base64 with <c>\r</c> and <c>\n</c> ignored, nothing else.</summary>
public sealed class GoBase64Converter : JsonConverter<byte[]>
{
    /// <inheritdoc/>
    public override byte[]? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("expected a base64 string");
        }

        // Unescaped length ≤ escaped length; base64 text is ASCII so no escape expands it.
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var written = reader.CopyString(rented);
            var text = StripLineBreaks(rented.AsSpan(0, written));
            var result = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
            if (Base64.DecodeFromUtf8(text, result, out _, out var decoded) != OperationStatus.Done)
            {
                throw new JsonException("invalid base64");
            }

            return decoded == result.Length ? result : result.AsSpan(0, decoded).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBase64StringValue(value);
    }

    private static Span<byte> StripLineBreaks(Span<byte> text)
    {
        if (text.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return text;
        }

        var n = 0;
        foreach (var b in text)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
            {
                text[n++] = b;
            }
        }

        return text[..n];
    }
}

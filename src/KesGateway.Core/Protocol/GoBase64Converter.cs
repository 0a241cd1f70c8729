using System.Buffers;
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
            var text = rented.AsSpan(0, reader.CopyString(rented));
            if (!GoBase64.TryGetDecodedLength(text, out var decodedLength))
            {
                throw new JsonException("invalid base64");
            }

            var result = new byte[decodedLength];
            if (!GoBase64.TryDecode(text, result, out var written) || written != result.Length)
            {
                throw new JsonException("invalid base64");
            }

            return result;
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
}

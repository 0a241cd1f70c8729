using System.Buffers;
using System.Text;

namespace KesGateway.Core.Protocol;

/// <summary>Writes JSON the way Go's <c>encoding/json</c> does, where clients compare bytes (error bodies).</summary>
public static class GoJson
{
    /// <summary>Writes the KES error body <c>{"message":"…"\n}</c>; the newline inside the brace is Go's encoder's.</summary>
    public static void WriteErrorBody(IBufferWriter<byte> writer, string message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Write(writer, "{\"message\":"u8);
        WriteString(writer, message);
        Write(writer, "\n}"u8);
    }

    /// <summary>Returns the KES error body for <paramref name="message"/>.</summary>
    public static byte[] ErrorBody(string message)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length + 20);
        WriteErrorBody(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a JSON string with Go's escaping: <c>&lt; &gt; &amp;</c> and U+2028/2029 as lowercase <c>\u</c> escapes.</summary>
    public static void WriteString(IBufferWriter<byte> writer, string value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        Write(writer, "\""u8);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': Write(writer, "\\\""u8); break;
                case '\\': Write(writer, "\\\\"u8); break;
                case '\n': Write(writer, "\\n"u8); break;
                case '\r': Write(writer, "\\r"u8); break;
                case '\t': Write(writer, "\\t"u8); break;
                case < 0x20 or '<' or '>' or '&' or 0x2028 or 0x2029:
                    Write(writer, Encoding.ASCII.GetBytes($"\\u{rune.Value:x4}"));
                    break;
                default:
                    var n = rune.EncodeToUtf8(utf8);
                    Write(writer, utf8[..n]);
                    break;
            }
        }

        Write(writer, "\""u8);
    }

    private static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
    }
}

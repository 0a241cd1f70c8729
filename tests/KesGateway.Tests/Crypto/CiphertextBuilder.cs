using System.Buffers.Binary;
using System.Text;

namespace KesGateway.Tests.Crypto;

/// <summary>Builds the legacy structured ciphertext formats (JSON, msgpack) from a raw ciphertext, as old KES wrote them.</summary>
internal static class CiphertextBuilder
{
    public static (byte[] Sealed, byte[] Iv, byte[] Nonce) Split(byte[] raw) => (raw[..^28], raw[^28..^12], raw[^12..]);

    public static byte[] Json(byte[] raw, string aead, string? id = null)
    {
        var (sealedBytes, iv, nonce) = Split(raw);
        var idField = id is null ? string.Empty : $",\"id\":\"{id}\"";
        return Encoding.UTF8.GetBytes(
            $"{{\"aead\":\"{aead}\"{idField},\"iv\":\"{Convert.ToBase64String(iv)}\",\"nonce\":\"{Convert.ToBase64String(nonce)}\",\"bytes\":\"{Convert.ToBase64String(sealedBytes)}\"}}");
    }

    /// <summary>fixarray(5) [str alg, str id, bin iv, bin nonce, bin sealed]; width 0 = shortest form, else at least 1/2/4 length bytes; strBinaries writes the binaries as str.</summary>
    public static byte[] Msgpack(byte[] raw, string algorithm, string keyId = "66687aadf862bd776c8fc18b8e9f8e20", int width = 0, bool strBinaries = false)
    {
        var (sealedBytes, iv, nonce) = Split(raw);
        var output = new List<byte> { 0x95 };
        WriteString(output, Encoding.UTF8.GetBytes(algorithm), width);
        WriteString(output, Encoding.UTF8.GetBytes(keyId), width);
        foreach (var binary in new[] { iv, nonce, sealedBytes })
        {
            if (strBinaries)
            {
                WriteString(output, binary, width);
            }
            else
            {
                WriteHeader(output, binary.Length, Math.Max(width, SmallestWidth(binary.Length)), 0xc4, 0xc5, 0xc6);
                output.AddRange(binary);
            }
        }

        return [.. output];
    }

    private static void WriteString(List<byte> output, byte[] value, int width)
    {
        if (width == 0 && value.Length < 32)
        {
            output.Add((byte)(0xa0 | value.Length));
        }
        else
        {
            WriteHeader(output, value.Length, Math.Max(width, SmallestWidth(value.Length)), 0xd9, 0xda, 0xdb);
        }

        output.AddRange(value);
    }

    private static int SmallestWidth(int length) => length <= byte.MaxValue ? 1 : length <= ushort.MaxValue ? 2 : 4;

    private static void WriteHeader(List<byte> output, int length, int width, byte type8, byte type16, byte type32)
    {
        Span<byte> bytes = stackalloc byte[4];
        switch (width)
        {
            case 1:
                output.Add(type8);
                output.Add((byte)length);
                break;
            case 2:
                output.Add(type16);
                BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)length);
                output.AddRange(bytes[..2]);
                break;
            default:
                output.Add(type32);
                BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)length);
                output.AddRange(bytes);
                break;
        }
    }
}

using System.Buffers.Binary;

namespace KesGateway.Core.Crypto;

/// <summary>
/// Reads the msgpack ciphertexts of KES v0.19.2-2024-01: fixarray(5) [str algorithm, str key id, bin iv(16),
/// bin nonce(12), bin sealed], nothing after it. Strings may be fixstr/str8/16/32; binaries bin8/16/32 or, as recent
/// msgpack libraries accept, strings. The result points into the input: nothing is copied.
/// </summary>
internal static class MsgpackCiphertextReader
{
    /// <summary>The first byte of every msgpack ciphertext: a fixarray header with 5 items.</summary>
    internal const byte FirstByte = 0x95;

    /// <summary>Parses <paramref name="data"/>; false if it is not exactly one well-formed msgpack ciphertext.</summary>
    internal static bool TryRead(
        ReadOnlySpan<byte> data,
        out KeyType namedType,
        out ReadOnlySpan<byte> iv,
        out ReadOnlySpan<byte> nonce,
        out ReadOnlySpan<byte> sealedBytes)
    {
        namedType = default;
        iv = nonce = sealedBytes = default;
        if (data.IsEmpty || data[0] != FirstByte)
        {
            return false;
        }

        var offset = 1;
        return TryReadString(data, ref offset, out var algorithm)
            && TryReadString(data, ref offset, out _) // the key id: ignored, as current KES does
            && TryReadBinary(data, ref offset, out iv) && iv.Length == JsonCiphertextReader.IvSize
            && TryReadBinary(data, ref offset, out nonce) && nonce.Length == JsonCiphertextReader.NonceSize
            && TryReadBinary(data, ref offset, out sealedBytes)
            && offset == data.Length
            && KeyTypeNames.TryParseUtf8(algorithm, out namedType);
    }

    private static bool TryReadString(ReadOnlySpan<byte> data, scoped ref int offset, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (offset >= data.Length)
        {
            return false;
        }

        var header = data[offset];
        if (header is >= 0xa0 and <= 0xbf)
        {
            return TrySlice(data, ref offset, 1, (uint)(header & 0x1f), out value);
        }

        return header switch
        {
            0xd9 => TryReadLength(data, ref offset, 1, out value),
            0xda => TryReadLength(data, ref offset, 2, out value),
            0xdb => TryReadLength(data, ref offset, 4, out value),
            _ => false,
        };
    }

    private static bool TryReadBinary(ReadOnlySpan<byte> data, scoped ref int offset, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (offset >= data.Length)
        {
            return false;
        }

        return data[offset] switch
        {
            0xc4 => TryReadLength(data, ref offset, 1, out value),
            0xc5 => TryReadLength(data, ref offset, 2, out value),
            0xc6 => TryReadLength(data, ref offset, 4, out value),
            _ => TryReadString(data, ref offset, out value),
        };
    }

    // Reads a big-endian length of lengthSize bytes after the type byte, then the payload.
    private static bool TryReadLength(ReadOnlySpan<byte> data, scoped ref int offset, int lengthSize, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (data.Length - offset < 1 + lengthSize)
        {
            return false;
        }

        var lengthBytes = data.Slice(offset + 1, lengthSize);
        var length = lengthSize switch
        {
            1 => lengthBytes[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(lengthBytes),
            _ => BinaryPrimitives.ReadUInt32BigEndian(lengthBytes),
        };
        return TrySlice(data, ref offset, 1 + lengthSize, length, out value);
    }

    private static bool TrySlice(ReadOnlySpan<byte> data, scoped ref int offset, int headerSize, uint length, out ReadOnlySpan<byte> value)
    {
        var start = offset + headerSize;
        if ((ulong)(data.Length - start) < length)
        {
            value = default;
            return false;
        }

        value = data.Slice(start, (int)length);
        offset = start + (int)length;
        return true;
    }
}

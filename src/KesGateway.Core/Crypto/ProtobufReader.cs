namespace KesGateway.Core.Crypto;

/// <summary>
/// A minimal protobuf wire-format reader over a span: tags, varints, length-delimited fields and skipping of
/// unknown fields (groups included), with the bounds checks of Go's <c>protowire</c>.
/// </summary>
internal ref struct ProtobufReader
{
    /// <summary>Wire type of varint fields.</summary>
    internal const int WireVarint = 0;

    /// <summary>Wire type of 64-bit fixed fields.</summary>
    internal const int WireFixed64 = 1;

    /// <summary>Wire type of length-delimited fields (bytes, strings, messages).</summary>
    internal const int WireLengthDelimited = 2;

    /// <summary>Wire type that opens a (deprecated) group.</summary>
    internal const int WireStartGroup = 3;

    /// <summary>Wire type that closes a group.</summary>
    internal const int WireEndGroup = 4;

    /// <summary>Wire type of 32-bit fixed fields.</summary>
    internal const int WireFixed32 = 5;

    private const int MaxFieldNumber = (1 << 29) - 1;
    private const int MaxGroupDepth = 100;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Creates a reader over one message.</summary>
    internal ProtobufReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Whether the whole message has been read.</summary>
    internal readonly bool End => _position >= _data.Length;

    /// <summary>Reads a field tag; false if it is malformed (bad varint, field number 0 or too large, wire type 6/7).</summary>
    internal bool TryReadTag(out int fieldNumber, out int wireType)
    {
        fieldNumber = 0;
        wireType = 0;
        if (!TryReadVarint(out var tag))
        {
            return false;
        }

        var number = tag >> 3;
        wireType = (int)(tag & 7);
        if (number is 0 or > MaxFieldNumber || wireType > WireFixed32)
        {
            return false;
        }

        fieldNumber = (int)number;
        return true;
    }

    /// <summary>Reads a varint of up to 10 bytes (the 10th may only carry the top bit, as in Go).</summary>
    internal bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                return false;
            }

            var b = _data[_position++];
            if (shift == 63 && b > 1)
            {
                return false;
            }

            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the payload of a length-delimited field.</summary>
    internal bool TryReadLengthDelimited(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryReadVarint(out var length) || length > (ulong)(_data.Length - _position))
        {
            return false;
        }

        value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    /// <summary>Skips the value of a field with the given tag (an unknown field, or a known one with an unexpected wire type).</summary>
    internal bool TrySkip(int fieldNumber, int wireType) => TrySkip(fieldNumber, wireType, depth: 0);

    private bool TrySkip(int fieldNumber, int wireType, int depth)
    {
        switch (wireType)
        {
            case WireVarint:
                return TryReadVarint(out _);
            case WireFixed64:
                return TryAdvance(8);
            case WireLengthDelimited:
                return TryReadLengthDelimited(out _);
            case WireFixed32:
                return TryAdvance(4);
            case WireStartGroup:
                if (depth >= MaxGroupDepth)
                {
                    return false;
                }

                while (TryReadTag(out var number, out var type))
                {
                    if (type == WireEndGroup)
                    {
                        return number == fieldNumber;
                    }

                    if (!TrySkip(number, type, depth + 1))
                    {
                        return false;
                    }
                }

                return false;
            default:
                // A stray end-group.
                return false;
        }
    }

    private bool TryAdvance(int count)
    {
        if (_data.Length - _position < count)
        {
            return false;
        }

        _position += count;
        return true;
    }
}

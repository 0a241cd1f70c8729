using System.Numerics;
using System.Text;
using System.Text.Unicode;

namespace KesGateway.Core.Crypto;

/// <summary>
/// The protobuf form of a key version (<c>miniohq.kms.KeyVersion</c>, KES ≥ 2024-01), written canonically as Go
/// writes it: fields in ascending order, proto3 zero values omitted, sub-messages always present once set.
/// </summary>
/// <remarks>
/// <code>
/// KeyVersion { SecretKey Key = 1; HMACKey HMACKey = 2; Timestamp CreatedAt = 3; string CreatedBy = 4; }
/// SecretKey  { bytes Key = 1; uint32 Type = 2; }   HMACKey { bytes Key = 1; uint32 Hash = 2; }
/// Timestamp  { int64 seconds = 1; int32 nanos = 2; }
/// </code>
/// </remarks>
internal static class KeyVersionProtobuf
{
    /// <summary>Unix seconds of Go's zero time (0001-01-01T00:00:00Z), which Go writes for an unset time.</summary>
    internal const long GoZeroTimeUnixSeconds = -62_135_596_800;

    /// <summary>The <c>HMACKey.Hash</c> value of SHA-256, the only hash KES uses.</summary>
    private const uint HashSha256 = 1;

    // Each key sub-message: 0a 20 <32 bytes> 10 <one-byte type or hash>.
    private const int KeyMessageLength = 2 + SecretKey.KeySize + 2;

    /// <summary>The encoded length of a key version with the given variable parts.</summary>
    internal static int GetEncodedLength(long seconds, int nanos, int createdByLength)
    {
        var timestampLength = GetTimestampLength(seconds, nanos);
        var length = (2 * (2 + KeyMessageLength)) + 1 + VarintLength((ulong)timestampLength) + timestampLength;
        if (createdByLength > 0)
        {
            length += 1 + VarintLength((ulong)createdByLength) + createdByLength;
        }

        return length;
    }

    /// <summary>Writes the key version into <paramref name="destination"/> (exactly <see cref="GetEncodedLength"/> bytes).</summary>
    internal static int Write(
        Span<byte> destination,
        ReadOnlySpan<byte> key,
        KeyType type,
        ReadOnlySpan<byte> hmacKey,
        long seconds,
        int nanos,
        ReadOnlySpan<byte> createdBy)
    {
        var position = 0;
        WriteKeyMessage(destination, ref position, fieldNumber: 1, key, (uint)type);
        WriteKeyMessage(destination, ref position, fieldNumber: 2, hmacKey, HashSha256);

        destination[position++] = Tag(3, ProtobufReader.WireLengthDelimited);
        WriteVarint(destination, ref position, (ulong)GetTimestampLength(seconds, nanos));
        if (seconds != 0)
        {
            destination[position++] = Tag(1, ProtobufReader.WireVarint);
            WriteVarint(destination, ref position, (ulong)seconds); // negative: 10-byte two's complement, as Go
        }

        if (nanos != 0)
        {
            destination[position++] = Tag(2, ProtobufReader.WireVarint);
            WriteVarint(destination, ref position, (ulong)(long)nanos);
        }

        if (!createdBy.IsEmpty)
        {
            destination[position++] = Tag(4, ProtobufReader.WireLengthDelimited);
            WriteVarint(destination, ref position, (ulong)createdBy.Length);
            createdBy.CopyTo(destination[position..]);
            position += createdBy.Length;
        }

        return position;
    }

    /// <summary>Reads and validates a protobuf key version; null with an error message (free of key material) if invalid.</summary>
    internal static KeyVersion? TryRead(ReadOnlySpan<byte> message, out string? error)
    {
        ReadOnlySpan<byte> key = default, hmacKey = default, createdBy = default;
        uint type = 0, hash = 0;
        long seconds = 0;
        var nanos = 0;
        var hasCreatedAt = false;

        var reader = new ProtobufReader(message);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return Fail("malformed protobuf", out error);
            }

            // A known field with an unexpected wire type is an unknown field to Go's decoder, so it is skipped too.
            var ok = (field, wireType) switch
            {
                (1, ProtobufReader.WireLengthDelimited) => TryReadKeyMessage(ref reader, ref key, ref type),
                (2, ProtobufReader.WireLengthDelimited) => TryReadKeyMessage(ref reader, ref hmacKey, ref hash),
                (3, ProtobufReader.WireLengthDelimited) => hasCreatedAt = TryReadTimestamp(ref reader, ref seconds, ref nanos),
                (4, ProtobufReader.WireLengthDelimited) => reader.TryReadLengthDelimited(out createdBy),
                _ => reader.TrySkip(field, wireType),
            };
            if (!ok)
            {
                return Fail("malformed protobuf", out error);
            }
        }

        if (!Utf8.IsValid(createdBy))
        {
            return Fail("created_by is not valid UTF-8", out error);
        }

        if (key.Length != SecretKey.KeySize)
        {
            return Fail($"invalid secret key length '{key.Length}'", out error);
        }

        if (type is not ((uint)KeyType.AES256 or (uint)KeyType.ChaCha20))
        {
            return Fail($"invalid secret key type '{type}'", out error);
        }

        if (hmacKey.Length != HmacKey.KeySize)
        {
            return Fail($"invalid HMAC key length '{hmacKey.Length}'", out error);
        }

        if (hash != HashSha256)
        {
            return Fail($"invalid HMAC key hash '{hash}'", out error);
        }

        DateTimeOffset? createdAt;
        int createdAtNanosecond;
        if (hasCreatedAt)
        {
            if (!TryToDateTimeOffset(seconds, nanos, out createdAt, out createdAtNanosecond))
            {
                return Fail("created_at is out of range", out error);
            }
        }
        else
        {
            // Go's (*Timestamp)(nil).AsTime() is the Unix epoch, not the zero time.
            createdAt = DateTimeOffset.UnixEpoch;
            createdAtNanosecond = 0;
        }

        error = null;
        return new KeyVersion(
            new SecretKey(key, (KeyType)type),
            new HmacKey(hmacKey),
            createdAt,
            createdAtNanosecond,
            Encoding.UTF8.GetString(createdBy));
    }

    /// <summary>Converts a Go time (Unix seconds, nanoseconds) to CreatedAt; Go's zero time becomes null.</summary>
    internal static bool TryToDateTimeOffset(long seconds, long nanos, out DateTimeOffset? utc, out int nanosecond)
    {
        utc = null;
        nanosecond = 0;

        // time.Unix normalises nanoseconds outside [0, 1e9) into the seconds.
        seconds += Math.DivRem(nanos, 1_000_000_000, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += 1_000_000_000;
        }

        if (seconds == GoZeroTimeUnixSeconds && remainder == 0)
        {
            return true;
        }

        var minSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
        var maxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();
        if (seconds < minSeconds || seconds > maxSeconds)
        {
            return false;
        }

        nanosecond = (int)remainder;
        utc = DateTimeOffset.UnixEpoch.AddTicks((seconds * TimeSpan.TicksPerSecond) + (remainder / 100));
        return true;
    }

    /// <summary>The (Unix seconds, nanoseconds) Go stores for CreatedAt; null is Go's zero time.</summary>
    internal static (long Seconds, int Nanos) ToGoTime(DateTimeOffset? utc, int nanosecond)
        => utc is { } value
            ? ((value.UtcTicks / TimeSpan.TicksPerSecond) + GoZeroTimeUnixSeconds, nanosecond)
            : (GoZeroTimeUnixSeconds, 0);

    private static KeyVersion? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }

    // SecretKey and HMACKey share a shape: bytes Key = 1; uint32 Type/Hash = 2. Repeated occurrences merge, as in Go.
    private static bool TryReadKeyMessage(ref ProtobufReader outer, ref ReadOnlySpan<byte> key, ref uint kind)
    {
        if (!outer.TryReadLengthDelimited(out var payload))
        {
            return false;
        }

        var reader = new ProtobufReader(payload);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return false;
            }

            bool ok;
            if (field == 1 && wireType == ProtobufReader.WireLengthDelimited)
            {
                ok = reader.TryReadLengthDelimited(out key);
            }
            else if (field == 2 && wireType == ProtobufReader.WireVarint)
            {
                ok = reader.TryReadVarint(out var value);
                kind = (uint)value; // Go truncates a uint32 varint to its low 32 bits
            }
            else
            {
                ok = reader.TrySkip(field, wireType);
            }

            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryReadTimestamp(ref ProtobufReader outer, ref long seconds, ref int nanos)
    {
        if (!outer.TryReadLengthDelimited(out var payload))
        {
            return false;
        }

        var reader = new ProtobufReader(payload);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wireType))
            {
                return false;
            }

            bool ok;
            if (field is 1 or 2 && wireType == ProtobufReader.WireVarint)
            {
                ok = reader.TryReadVarint(out var value);
                if (field == 1)
                {
                    seconds = (long)value;
                }
                else
                {
                    nanos = (int)value; // int32: the low 32 bits
                }
            }
            else
            {
                ok = reader.TrySkip(field, wireType);
            }

            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static int GetTimestampLength(long seconds, int nanos)
        => (seconds != 0 ? 1 + VarintLength((ulong)seconds) : 0) + (nanos != 0 ? 1 + VarintLength((ulong)(long)nanos) : 0);

    private static void WriteKeyMessage(Span<byte> destination, ref int position, int fieldNumber, ReadOnlySpan<byte> key, uint kind)
    {
        destination[position++] = Tag(fieldNumber, ProtobufReader.WireLengthDelimited);
        destination[position++] = KeyMessageLength;
        destination[position++] = Tag(1, ProtobufReader.WireLengthDelimited);
        destination[position++] = (byte)key.Length;
        key.CopyTo(destination[position..]);
        position += key.Length;
        destination[position++] = Tag(2, ProtobufReader.WireVarint);
        destination[position++] = (byte)kind;
    }

    private static byte Tag(int fieldNumber, int wireType) => (byte)((fieldNumber << 3) | wireType);

    private static int VarintLength(ulong value) => value == 0 ? 1 : ((64 - BitOperations.LeadingZeroCount(value)) + 6) / 7;

    private static void WriteVarint(Span<byte> destination, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            destination[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[position++] = (byte)value;
    }
}

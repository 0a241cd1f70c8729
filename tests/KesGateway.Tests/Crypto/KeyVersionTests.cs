using System.Globalization;
using System.Text;
using KesGateway.Core.Crypto;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Crypto;

public sealed partial class KeyVersionTests
{
    private static readonly byte[] KeyA = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();
    private static readonly string KeyA64 = Convert.ToBase64String(KeyA);
    private static readonly string KeyB64 = Convert.ToBase64String(KeyB);

    [Theory]
    [InlineData(KeyType.AES256)]
    [InlineData(KeyType.ChaCha20)]
    public void Generate_FakeTime_CreatesRandomKeysAtNow(KeyType type)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_567));

        using var sut = KeyVersion.Generate(type, "admin", time);
        using var other = KeyVersion.Generate(type, "admin", time);

        Assert.Equal(type, sut.Key.Type);
        Assert.False(sut.Key.IsLegacyUntyped);
        Assert.NotNull(sut.HmacKey);
        Assert.Equal(time.GetUtcNow(), sut.CreatedAt);
        Assert.Equal(123_456_700, sut.CreatedAtNanosecond);
        Assert.Equal("admin", sut.CreatedBy);
        Assert.NotEqual(sut.Key.KeyMaterial.ToArray(), other.Key.KeyMaterial.ToArray());
        Assert.NotEqual(sut.Key.KeyMaterial.ToArray(), sut.HmacKey.KeyMaterial.ToArray());
    }

    [Fact]
    public void Import_KeyBytes_KeepsKeyAndAddsIndependentRandomHmacKey()
    {
        var time = new FakeTimeProvider();

        using var first = KeyVersion.Import(KeyA, KeyType.ChaCha20, "me", time);
        using var second = KeyVersion.Import(KeyA, KeyType.ChaCha20, "me", time);

        Assert.Equal(KeyA, first.Key.KeyMaterial.ToArray());
        Assert.Equal(KeyType.ChaCha20, first.Key.Type);
        Assert.NotEqual(first.HmacKey!.KeyMaterial.ToArray(), second.HmacKey!.KeyMaterial.ToArray());
        Assert.NotEqual(KeyA, first.HmacKey.KeyMaterial.ToArray());
        Assert.Equal(time.GetUtcNow(), first.CreatedAt);
    }

    [Fact]
    public void Import_WrongLength_Throws()
        => Assert.Throws<ArgumentException>(() => KeyVersion.Import(new byte[16], KeyType.AES256, "me", new FakeTimeProvider()));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Encode_RandomKeyVersions_ParseBackIdentically(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 50; i++)
        {
            var type = random.Next(2) == 0 ? KeyType.AES256 : KeyType.ChaCha20;
            var createdAt = DateTimeOffset.UnixEpoch.AddTicks(random.NextInt64(-62_135_596_800L * TimeSpan.TicksPerSecond, 253_402_300_799L * TimeSpan.TicksPerSecond));
            var createdBy = new string('é', random.Next(0, 300)) + random.Next();
            using var sut = new KeyVersion(new SecretKey(CryptoTestData.RandomBytes(random, 32), type), new HmacKey(CryptoTestData.RandomBytes(random, 32)), createdAt, createdBy);

            var encoded = sut.Encode();
            using var parsed = KeyVersion.Parse(encoded);

            Assert.Equal(sut.Key.KeyMaterial.ToArray(), parsed.Key.KeyMaterial.ToArray());
            Assert.Equal(type, parsed.Key.Type);
            Assert.Equal(sut.HmacKey!.KeyMaterial.ToArray(), parsed.HmacKey!.KeyMaterial.ToArray());
            Assert.Equal(sut.CreatedAt, parsed.CreatedAt);
            Assert.Equal(sut.CreatedAtNanosecond, parsed.CreatedAtNanosecond);
            Assert.Equal(createdBy, parsed.CreatedBy);
            Assert.Equal(encoded, parsed.Encode());
        }
    }

    [Fact]
    public void Encode_NoCreationTime_WritesGoZeroTimeAsTenByteVarint()
    {
        using var sut = new KeyVersion(new SecretKey(KeyA, KeyType.AES256), new HmacKey(KeyB), createdAt: null, createdBy: null);

        var protobuf = Convert.FromBase64String(sut.Encode());

        // 1a 0b 08 <10-byte varint of -62135596800>, no created_by.
        Assert.Equal("1a0b088092b8c398feffffff01", Convert.ToHexStringLower(protobuf.AsSpan(76)));
        using var parsed = KeyVersion.Parse(Convert.ToBase64String(protobuf));
        Assert.Null(parsed.CreatedAt);
        Assert.Equal(string.Empty, parsed.CreatedBy);
    }

    [Fact]
    public void Parse_ProtobufWithNanosecondsFinerThanTicks_KeepsThemForEncoding()
    {
        var stored = Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), Len(3, [.. VarintField(1, 1_705_055_960), .. VarintField(2, 886_816_123)]));

        using var sut = KeyVersion.Parse(stored);

        Assert.Equal(886_816_123, sut.CreatedAtNanosecond);
        Assert.Equal(DateTimeOffset.Parse("2024-01-12T10:39:20.8868161Z", CultureInfo.InvariantCulture), sut.CreatedAt);
        Assert.Equal(stored, sut.Encode());
    }

    [Fact]
    public void Parse_ProtobufUnknownFieldsAndWrongWireTypes_AreSkipped()
    {
        var stored = Stored(
            VarintField(15, 7),
            Len(1, [.. KeyMessage(KeyA, 2), .. VarintField(9, 1), .. Len(1 /* bytes field 1 as... */, KeyA)]),
            [.. Tag(16, 1), .. new byte[8]],
            [.. Tag(17, 5), .. new byte[4]],
            [.. Tag(18, 3), .. VarintField(1, 5), .. Len(2, [1, 2]), .. Tag(19, 3), .. Tag(19, 4), .. Tag(18, 4)],
            Len(2, KeyMessage(KeyB, 1)),
            VarintField(4, 1), // created_by with a varint wire type: an unknown field to Go
            Len(20, [1, 2, 3]));

        using var sut = KeyVersion.Parse(stored);

        Assert.Equal(KeyType.ChaCha20, sut.Key.Type);
        Assert.Equal(KeyA, sut.Key.KeyMaterial.ToArray());
        Assert.Equal(KeyB, sut.HmacKey!.KeyMaterial.ToArray());
        Assert.Equal(DateTimeOffset.UnixEpoch, sut.CreatedAt); // an absent Timestamp is the Unix epoch in Go
        Assert.Equal(string.Empty, sut.CreatedBy);
    }

    [Fact]
    public void Parse_ProtobufRepeatedSubMessages_Merge()
    {
        var stored = Stored(Len(1, Len(1, KeyB)), Len(1, VarintField(2, 2)), Len(1, Len(1, KeyA)), Len(2, KeyMessage(KeyB, 1)), Len(4, "x"u8.ToArray()), Len(4, "yz"u8.ToArray()));

        using var sut = KeyVersion.Parse(stored);

        Assert.Equal(KeyA, sut.Key.KeyMaterial.ToArray());
        Assert.Equal(KeyType.ChaCha20, sut.Key.Type);
        Assert.Equal("yz", sut.CreatedBy);
    }

    [Fact]
    public void Parse_ProtobufTypeVarintAbove32Bits_IsTruncatedAsInGo()
    {
        using var sut = KeyVersion.Parse(Stored(Len(1, KeyMessage(KeyA, 0x1_0000_0002)), Len(2, KeyMessage(KeyB, 1))));

        Assert.Equal(KeyType.ChaCha20, sut.Key.Type);
    }

    public static TheoryData<string, string> InvalidProtobufs() => new()
    {
        { "no HMAC key", Stored(Len(1, KeyMessage(KeyA, 1))) },
        { "HMAC key of 31 bytes", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB[..31], 1))) },
        { "HMAC hash 2", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 2))) },
        { "HMAC hash absent", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, Len(1, KeyB))) },
        { "secret key of 31 bytes", Stored(Len(1, KeyMessage(KeyA[..31], 1)), Len(2, KeyMessage(KeyB, 1))) },
        { "no secret key", Stored(Len(2, KeyMessage(KeyB, 1))) },
        { "type 0", Stored(Len(1, Len(1, KeyA)), Len(2, KeyMessage(KeyB, 1))) },
        { "type 3", Stored(Len(1, KeyMessage(KeyA, 3)), Len(2, KeyMessage(KeyB, 1))) },
        { "truncated", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)))[..^8] + "AAAAAA==" },
        { "length beyond end", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), [0x22, 0x05, 0x41]) },
        { "invalid UTF-8 created_by", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), Len(4, [0xff, 0xfe])) },
        { "field number 0", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), [0x02, 0x00]) },
        { "wire type 7", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), [0x0f]) },
        { "unterminated group", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), Tag(18, 3)) },
        { "stray end group", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), Tag(18, 4)) },
        { "11-byte varint", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]) },
        { "seconds beyond year 9999", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), Len(3, VarintField(1, 253_402_300_800))) },
        { "base64 without padding", Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)), Len(4, "a"u8.ToArray())).TrimEnd('=') },
        { "base64 with a space", " " + Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1))) },
        { "URL-safe base64", Stored(Len(1, KeyMessage([.. Enumerable.Repeat((byte)0xfb, 32)], 1)), Len(2, KeyMessage(KeyB, 1))).Replace('+', '-') },
        { "empty", string.Empty },
    };

    [Theory]
    [MemberData(nameof(InvalidProtobufs))]
    public void Parse_InvalidProtobufValue_ThrowsWithoutKeyMaterial(string scenario, string stored)
    {
        var exception = Assert.Throws<KeyVersionFormatException>(() => KeyVersion.Parse(stored));

        Assert.StartsWith("invalid key version: ", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA64[..8], exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyB64[..8], exception.Message, StringComparison.Ordinal);
        Assert.False(KeyVersion.TryParse(stored, out _), scenario);
    }

    [Fact]
    public void Parse_ProtobufBase64WithCrLf_IsAccepted()
    {
        var stored = Stored(Len(1, KeyMessage(KeyA, 1)), Len(2, KeyMessage(KeyB, 1)));

        using var sut = KeyVersion.Parse(stored[..10] + "\r\n" + stored[10..] + "\n");

        Assert.Equal(KeyA, sut.Key.KeyMaterial.ToArray());
    }

    public static TheoryData<string, KeyType, bool, string> LegacyJsonValues() => new()
    {
        { $"{{\"bytes\":\"{KeyA64}\"}}", KeyType.AES256, true, "" },
        { $"{{\"bytes\":\"{KeyA64}\",\"algorithm\":\"\"}}", KeyType.AES256, true, "" },
        { $"{{\"bytes\":\"{KeyA64}\",\"algorithm\":null}}", KeyType.AES256, true, "" },
        { $"{{\"bytes\":\"{KeyA64}\",\"algorithm\":\"AES256\"}}", KeyType.AES256, false, "" },
        { $"{{\"BYTES\":\"{KeyA64}\",\"Algorithm\":\"XCHACHA20-POLY1305\",\"Created_By\":\"id\"}}", KeyType.ChaCha20, false, "id" },
        { $"{{\"version\":\"v1\",\"bytes\":\"{KeyA64}\",\"algorithm\":\"ChaCha20\",\"created_at\":\"2023-11-01T10:00:00.123456789Z\",\"created_by\":\"x\\u0026y\"}}", KeyType.ChaCha20, false, "x&y" },
        { $"{{\"bytes\":\"{KeyB64}\",\"bytes\":\"{KeyA64}\",\"extra\":{{\"bytes\":1}}}}", KeyType.AES256, true, "" },
        { $"{{\"bytes\":\"{KeyA64}\",\"bytes\":null}}", KeyType.AES256, true, "" },
        { $"{{\"bytes\":\"{KeyA64[..8]}\\r\\n{KeyA64[8..]}\"}}", KeyType.AES256, true, "" },
        { $" \r\n{{\"bytes\":\"{KeyA64}\"}}\n", KeyType.AES256, true, "" },
    };

    [Theory]
    [MemberData(nameof(LegacyJsonValues))]
    public void Parse_LegacyJsonWithGoSemantics_ReadsKey(string stored, KeyType type, bool untyped, string createdBy)
    {
        using var sut = KeyVersion.Parse(stored);

        Assert.Equal(KeyA, sut.Key.KeyMaterial.ToArray());
        Assert.Equal(type, sut.Key.Type);
        Assert.Equal(untyped, sut.Key.IsLegacyUntyped);
        Assert.Null(sut.HmacKey);
        Assert.Equal(createdBy, sut.CreatedBy);
    }

    [Fact]
    public void Parse_LegacyJsonCreatedAt_KeepsNanosecondsInUtc()
    {
        using var sut = KeyVersion.Parse($"{{\"bytes\":\"{KeyA64}\",\"created_at\":\"2023-11-01T12:00:00.123456789+02:00\"}}");

        Assert.Equal(DateTimeOffset.Parse("2023-11-01T10:00:00.1234567Z", CultureInfo.InvariantCulture), sut.CreatedAt);
        Assert.Equal(123_456_789, sut.CreatedAtNanosecond);
        Assert.Equal(TimeSpan.Zero, sut.CreatedAt!.Value.Offset);
    }

    [Fact]
    public void Parse_LegacyJsonGoZeroTime_HasNoCreationTime()
    {
        using var sut = KeyVersion.Parse($"{{\"bytes\":\"{KeyA64}\",\"created_at\":\"0001-01-01T00:00:00Z\"}}");

        Assert.Null(sut.CreatedAt);
    }

    public static TheoryData<string> InvalidLegacyJsonValues() => new()
    {
        "null",
        "[]",
        "\"abc\"",
        "123",
        "{}",
        $"{{\"bytes\":\"{Convert.ToBase64String(KeyA[..31])}\"}}",
        $"{{\"bytes\":\"{KeyA64.TrimEnd('=')}\"}}",
        $"{{\"bytes\":\"{KeyA64}\",\"algorithm\":\"AES-256\"}}",
        $"{{\"bytes\":\"{KeyA64}\",\"algorithm\":\"aes256\"}}",
        $"{{\"bytes\":\"{KeyA64}\",\"algorithm\":1}}",
        $"{{\"bytes\":\"{KeyA64}\",\"created_at\":\"yesterday\"}}",
        $"{{\"bytes\":\"{KeyA64}\",\"created_at\":\"\"}}",
        $"{{\"bytes\":\"{KeyA64}\",\"created_at\":1}}",
        $"{{\"bytes\":\"{KeyA64}\",\"created_by\":false}}",
        $"{{\"bytes\":\"{KeyA64}\",\"bytes\":\"{Convert.ToBase64String(KeyA[..16])}\"}}",
        $"{{\"bytes\":{KeyA.Length}}}",
    };

    [Theory]
    [MemberData(nameof(InvalidLegacyJsonValues))]
    public void Parse_InvalidLegacyJson_ThrowsWithoutKeyMaterial(string stored)
    {
        var exception = Assert.Throws<KeyVersionFormatException>(() => KeyVersion.Parse(stored));

        Assert.DoesNotContain(KeyA64[..8], exception.Message, StringComparison.Ordinal);
        Assert.False(KeyVersion.TryParse(Encoding.UTF8.GetBytes(stored), out _));
    }

    [Fact]
    public void Parse_LegacyJsonWithInvalidUtf8CreatedBy_ReplacesItAsGo()
    {
        byte[] stored = [.. Encoding.UTF8.GetBytes($"{{\"\\ud800\":1,\"bytes\":\"{KeyA64}\",\"created_by\":\"a"), 0xff, .. "\"}"u8];

        using var sut = KeyVersion.Parse(stored);

        Assert.Equal("a\uFFFD", sut.CreatedBy);
    }

    [Fact]
    public void Parse_LegacyJsonWithLoneSurrogateEscape_ThrowsFormatException()
        => Assert.Throws<KeyVersionFormatException>(() => KeyVersion.Parse($"{{\"bytes\":\"{KeyA64}\",\"created_by\":\"\\ud800\"}}"));

    [Fact]
    public void Dispose_ZeroesBothKeysAndRejectsEncode()
    {
        var sut = KeyVersion.Generate(KeyType.AES256, "x", new FakeTimeProvider());
        var key = sut.Key.KeyMaterial;
        var hmacKey = sut.HmacKey!.KeyMaterial;

        sut.Dispose();

        Assert.All(key.ToArray(), b => Assert.Equal(0, b));
        Assert.All(hmacKey.ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => sut.Encode());
    }

    [Fact]
    public void Constructor_LocalOffset_StoresUtc()
    {
        var local = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(5));

        using var sut = new KeyVersion(new SecretKey(KeyA, KeyType.AES256), null, local, "x");

        Assert.Equal(local, sut.CreatedAt);
        Assert.Equal(TimeSpan.Zero, sut.CreatedAt!.Value.Offset);
    }

    private static string Stored(params byte[][] fields) => Convert.ToBase64String(fields.SelectMany(f => f).ToArray());

    private static byte[] Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private static byte[] Len(int field, byte[] payload) => [.. Tag(field, 2), .. Varint((ulong)payload.Length), .. payload];

    private static byte[] VarintField(int field, ulong value) => [.. Tag(field, 0), .. Varint(value)];

    private static byte[] KeyMessage(byte[] key, ulong kind) => [.. Len(1, key), .. VarintField(2, kind)];

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }
}

using System.Text;
using KesGateway.Core.Crypto;

namespace KesGateway.Tests.Crypto;

public sealed partial class SecretKeyTests
{
    private static readonly int[] EdgeSizes = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 255, 256, 1000, 4095, 4096];

    public static TheoryData<KeyType, int> TypesAndSeeds()
    {
        var data = new TheoryData<KeyType, int>();
        foreach (var type in Enum.GetValues<KeyType>())
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                data.Add(type, seed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TypesAndSeeds))]
    public void Encrypt_RandomKeysContextsAndSizes_RoundTrips(KeyType type, int seed)
    {
        var random = new Random(seed);
        var sizes = EdgeSizes.Concat(Enumerable.Range(0, 20).Select(_ => random.Next(0, 4097)));
        foreach (var size in sizes)
        {
            using var sut = CreateSut(type, random);
            var plaintext = CryptoTestData.RandomBytes(random, size);
            var context = CryptoTestData.RandomBytes(random, random.Next(0, 65));

            var ciphertext = sut.Encrypt(plaintext, context);
            var destination = new byte[SecretKey.GetMaxPlaintextLength(ciphertext.Length)];

            Assert.Equal(SecretKey.ComputeCiphertextLength(size), ciphertext.Length);
            Assert.Equal(plaintext, sut.Decrypt(ciphertext, context));
            Assert.True(sut.TryDecrypt(ciphertext, context, destination, out var written));
            Assert.Equal(plaintext, destination[..written]);
        }
    }

    [Theory]
    [MemberData(nameof(TypesAndSeeds))]
    public void TryDecrypt_AnySingleFlippedBit_Fails(KeyType type, int seed)
    {
        var random = new Random(seed);
        using var sut = CreateSut(type, random);
        var context = CryptoTestData.RandomBytes(random, 16);
        var ciphertext = sut.Encrypt(CryptoTestData.RandomBytes(random, random.Next(0, 40)), context);
        var destination = new byte[ciphertext.Length];

        for (var bit = 0; bit < ciphertext.Length * 8; bit++)
        {
            var tampered = (byte[])ciphertext.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));

            Assert.False(sut.TryDecrypt(tampered, context, destination, out _, DecryptOptions.AllowLegacyAesKdf), $"bit {bit}");
        }
    }

    [Theory]
    [MemberData(nameof(TypesAndSeeds))]
    public void Decrypt_WrongContextOrWrongKey_Fails(KeyType type, int seed)
    {
        var random = new Random(seed);
        using var sut = CreateSut(type, random);
        using var otherKey = CreateSut(type, random);
        var context = CryptoTestData.RandomBytes(random, random.Next(1, 64));
        var ciphertext = sut.Encrypt(CryptoTestData.RandomBytes(random, random.Next(0, 300)), context);
        var otherContext = (byte[])context.Clone();
        otherContext[random.Next(context.Length)] ^= 0x01;

        Assert.Throws<DecryptionException>(() => sut.Decrypt(ciphertext, otherContext));
        Assert.Throws<DecryptionException>(() => sut.Decrypt(ciphertext, context.AsSpan(0, context.Length - 1).ToArray()));
        Assert.Throws<DecryptionException>(() => sut.Decrypt(ciphertext, []));
        Assert.Throws<DecryptionException>(() => otherKey.Decrypt(ciphertext, context));
    }

    [Theory]
    [InlineData(KeyType.AES256)]
    [InlineData(KeyType.ChaCha20)]
    public void Decrypt_SameBytesOtherKeyType_Fails(KeyType type)
    {
        var key = RandomKeyBytes(new Random(7));
        using var sut = new SecretKey(key, type);
        using var other = new SecretKey(key, type == KeyType.AES256 ? KeyType.ChaCha20 : KeyType.AES256);

        Assert.Throws<DecryptionException>(() => other.Decrypt(sut.Encrypt("hello"u8, []), []));
    }

    [Theory]
    [InlineData(KeyType.AES256)]
    [InlineData(KeyType.ChaCha20)]
    public void TryDecrypt_TruncatedCiphertext_Fails(KeyType type)
    {
        using var sut = CreateSut(type, new Random(11));
        var ciphertext = sut.Encrypt("0123456789abcdef"u8, []);
        var destination = new byte[ciphertext.Length];

        for (var length = 0; length < ciphertext.Length; length++)
        {
            Assert.False(sut.TryDecrypt(ciphertext.AsSpan(0, length), [], destination, out _), $"length {length}");
            Assert.False(sut.TryDecrypt(ciphertext.AsSpan(ciphertext.Length - length), [], destination, out _), $"suffix {length}");
        }
    }

    [Theory]
    [InlineData(KeyType.AES256, "AES-256-GCM-HMAC-SHA-256")]
    [InlineData(KeyType.ChaCha20, "ChaCha20Poly1305")]
    public void Decrypt_JsonBuiltFromRaw_ReturnsPlaintext(KeyType type, string aead)
    {
        var random = new Random(21);
        using var sut = CreateSut(type, random);
        var plaintext = CryptoTestData.RandomBytes(random, 300);
        var context = CryptoTestData.RandomBytes(random, 12);
        var raw = sut.Encrypt(plaintext, context);

        Assert.Equal(plaintext, sut.Decrypt(CiphertextBuilder.Json(raw, aead), context));
        Assert.Equal(plaintext, sut.Decrypt(CiphertextBuilder.Json(raw, aead, id: "0123456789abcdef0123456789abcdef"), context));
    }

    [Theory]
    [InlineData(KeyType.AES256, "AES256-GCM_SHA256", 0, false)]
    [InlineData(KeyType.AES256, "AES256", 1, false)]
    [InlineData(KeyType.AES256, "AES256-GCM_SHA256", 2, false)]
    [InlineData(KeyType.AES256, "AES256-GCM_SHA256", 4, false)]
    [InlineData(KeyType.AES256, "AES256-GCM_SHA256", 0, true)]
    [InlineData(KeyType.ChaCha20, "XCHACHA20-POLY1305", 0, false)]
    [InlineData(KeyType.ChaCha20, "ChaCha20", 2, false)]
    [InlineData(KeyType.ChaCha20, "XCHACHA20-POLY1305", 4, true)]
    public void Decrypt_MsgpackBuiltFromRaw_ReturnsPlaintext(KeyType type, string algorithm, int width, bool strBinaries)
    {
        var random = new Random(22);
        using var sut = CreateSut(type, random);
        var plaintext = CryptoTestData.RandomBytes(random, 1000);
        var context = CryptoTestData.RandomBytes(random, 5);
        var raw = sut.Encrypt(plaintext, context);

        Assert.Equal(plaintext, sut.Decrypt(CiphertextBuilder.Msgpack(raw, algorithm, width: width, strBinaries: strBinaries), context));
    }

    // Current KES validates the algorithm named in a structured ciphertext but decrypts with the stored key type.
    [Theory]
    [InlineData(KeyType.AES256, "ChaCha20Poly1305", "XCHACHA20-POLY1305")]
    [InlineData(KeyType.ChaCha20, "AES-256-GCM-HMAC-SHA-256", "AES256")]
    public void Decrypt_TypedKeyStructuredNamingOtherAlgorithm_UsesStoredType(KeyType type, string jsonName, string msgpackName)
    {
        using var sut = CreateSut(type, new Random(23));
        var raw = sut.Encrypt("data"u8, []);

        Assert.Equal("data"u8.ToArray(), sut.Decrypt(CiphertextBuilder.Json(raw, jsonName), []));
        Assert.Equal("data"u8.ToArray(), sut.Decrypt(CiphertextBuilder.Msgpack(raw, msgpackName), []));
    }

    [Fact]
    public void Decrypt_LegacyUntypedKey_UsesAlgorithmNamedInStructuredCiphertext()
    {
        var key = RandomKeyBytes(new Random(24));
        using var sut = CryptoTestData.LegacyUntypedKey(key);
        using var chaCha = new SecretKey(key, KeyType.ChaCha20);
        var chaChaRaw = chaCha.Encrypt("data"u8, "ctx"u8);
        var aesRaw = sut.Encrypt("data"u8, "ctx"u8);

        Assert.Equal("data"u8.ToArray(), sut.Decrypt(CiphertextBuilder.Json(chaChaRaw, "ChaCha20Poly1305"), "ctx"u8));
        Assert.Equal("data"u8.ToArray(), sut.Decrypt(CiphertextBuilder.Msgpack(chaChaRaw, "XCHACHA20-POLY1305"), "ctx"u8));
        Assert.Equal("data"u8.ToArray(), sut.Decrypt(CiphertextBuilder.Msgpack(aesRaw, "AES256"), "ctx"u8));
        Assert.Equal("data"u8.ToArray(), sut.Decrypt(aesRaw, "ctx"u8));
        Assert.Throws<DecryptionException>(() => sut.Decrypt(chaChaRaw, "ctx"u8)); // raw: the stored type (AES256) decides
        Assert.Throws<DecryptionException>(() => sut.Decrypt(CiphertextBuilder.Json(aesRaw, "ChaCha20Poly1305"), "ctx"u8));
    }

    // A raw ciphertext whose first byte happens to be 0x95 or '{' fails to parse as structured and is then read as raw.
    [Theory]
    [InlineData(KeyType.AES256, 0x95)]
    [InlineData(KeyType.AES256, (byte)'{')]
    [InlineData(KeyType.ChaCha20, 0x95)]
    [InlineData(KeyType.ChaCha20, (byte)'{')]
    public void Decrypt_RawCiphertextStartingLikeStructured_StillDecrypts(KeyType type, byte firstByte)
    {
        using var sut = CreateSut(type, new Random(25));
        var plaintext = "0123456789abcdef0123456789abcdef"u8.ToArray();
        var random = new byte[28];
        var ciphertext = new byte[SecretKey.ComputeCiphertextLength(plaintext.Length)];
        for (var counter = 0; ; counter++)
        {
            BitConverter.TryWriteBytes(random, counter);
            sut.Encrypt(plaintext, [], random, ciphertext);
            if (ciphertext[0] == firstByte)
            {
                break;
            }
        }

        Assert.Equal(plaintext, sut.Decrypt(ciphertext, []));
    }

    [Theory]
    [InlineData(KeyType.AES256)]
    [InlineData(KeyType.ChaCha20)]
    public void TryDecrypt_Empty_ReturnsFalse(KeyType type)
    {
        using var sut = CreateSut(type, new Random(26));

        Assert.False(sut.TryDecrypt([], [], new byte[16], out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Decrypt_LegacyAesKdfCiphertext_NeedsOptInAndAnAesKey()
    {
        // legacy.json legacy_json_unwrap[0]: key = 32 zero bytes, plaintext = 16 zero bytes.
        var ciphertext = Encoding.UTF8.GetBytes("{\"aead\":\"AES-256-GCM\",\"iv\":\"NriFv+QwBriwRYjCZY9c+g==\",\"nonce\":\"NoLh4PmZuu1OGScv\",\"bytes\":\"SR5qb4zk1l5+WMp3xydhHbBFQuiYwiet/KDpKmTHBt4=\"}");
        var key = new byte[32];
        using var typedAes = new SecretKey(key, KeyType.AES256);
        using var untyped = CryptoTestData.LegacyUntypedKey(key);
        using var chaCha = new SecretKey(key, KeyType.ChaCha20);

        Assert.Equal(new byte[16], typedAes.Decrypt(ciphertext, [], DecryptOptions.AllowLegacyAesKdf));
        Assert.Equal(new byte[16], untyped.Decrypt(ciphertext, [], DecryptOptions.AllowLegacyAesKdf));
        Assert.Throws<DecryptionException>(() => chaCha.Decrypt(ciphertext, [], DecryptOptions.AllowLegacyAesKdf));
        Assert.Throws<DecryptionException>(() => typedAes.Decrypt(ciphertext, []));
        Assert.Throws<DecryptionException>(() => untyped.Decrypt(ciphertext, []));
    }

    [Theory]
    [InlineData(0, 44)]
    [InlineData(32, 76)]
    [InlineData(1_000_000, 1_000_044)]
    public void ComputeCiphertextLength_PlaintextLength_AddsOverhead(int plaintextLength, int expected)
        => Assert.Equal(expected, SecretKey.ComputeCiphertextLength(plaintextLength));

    [Fact]
    public void ComputeCiphertextLength_Invalid_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SecretKey.ComputeCiphertextLength(-1));
        Assert.Throws<OverflowException>(() => SecretKey.ComputeCiphertextLength(int.MaxValue));
    }

    [Fact]
    public void Encrypt_DestinationTooShort_Throws()
    {
        using var sut = CreateSut(KeyType.AES256, new Random(27));

        Assert.Throws<ArgumentException>(() => sut.Encrypt(new byte[10], [], new byte[53]));
    }

    [Fact]
    public void TryDecrypt_DestinationTooShort_Throws()
    {
        using var sut = CreateSut(KeyType.ChaCha20, new Random(28));
        var ciphertext = sut.Encrypt(new byte[10], []);

        Assert.Throws<ArgumentException>(() => sut.TryDecrypt(ciphertext, [], new byte[9], out _));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Constructor_WrongKeyLength_Throws(int length)
        => Assert.Throws<ArgumentException>(() => new SecretKey(new byte[length], KeyType.AES256));

    [Fact]
    public void Constructor_UndefinedType_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new SecretKey(new byte[32], (KeyType)3));

    [Fact]
    public void Generate_TwoKeys_Differ()
    {
        using var first = SecretKey.Generate(KeyType.ChaCha20);
        using var second = SecretKey.Generate(KeyType.ChaCha20);

        Assert.Equal(KeyType.ChaCha20, first.Type);
        Assert.False(first.IsLegacyUntyped);
        Assert.NotEqual(first.KeyMaterial.ToArray(), second.KeyMaterial.ToArray());
    }

    [Fact]
    public void Dispose_ZeroesKeyAndRejectsUse()
    {
        var sut = CreateSut(KeyType.AES256, new Random(29));
        var material = sut.KeyMaterial;
        var ciphertext = sut.Encrypt("x"u8, []);
        Assert.Contains(material.ToArray(), b => b != 0);

        sut.Dispose();

        Assert.All(material.ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => sut.Encrypt("x"u8, []));
        Assert.Throws<ObjectDisposedException>(() => sut.Decrypt(ciphertext, []));
    }

    [Theory]
    [InlineData(KeyType.AES256)]
    [InlineData(KeyType.ChaCha20)]
    public void GenerateDataKey_Context_Returns32ByteKeyAnd76ByteCiphertext(KeyType type)
    {
        using var sut = CreateSut(type, new Random(30));

        var dataKey = sut.GenerateDataKey("bucket/object"u8);

        Assert.Equal(32, dataKey.Plaintext.Length);
        Assert.Equal(76, dataKey.Ciphertext.Length);
        Assert.Equal(dataKey.Plaintext, sut.Decrypt(dataKey.Ciphertext, "bucket/object"u8));
        Assert.Throws<DecryptionException>(() => sut.Decrypt(dataKey.Ciphertext, []));
        dataKey.Dispose();
        Assert.All(dataKey.Plaintext, b => Assert.Equal(0, b));
    }

    [Fact]
    public void GenerateDataKey_Spans_WritesKeyAndCiphertext()
    {
        using var sut = CreateSut(KeyType.AES256, new Random(31));
        var plaintext = new byte[DataKey.Size];
        var ciphertext = new byte[DataKey.CiphertextSize];

        sut.GenerateDataKey([], plaintext, ciphertext);

        Assert.Contains(plaintext, b => b != 0);
        Assert.Equal(plaintext, sut.Decrypt(ciphertext, []));
        Assert.Throws<ArgumentException>(() => sut.GenerateDataKey([], new byte[31], ciphertext));
        Assert.Throws<ArgumentException>(() => sut.GenerateDataKey([], plaintext, new byte[75]));
    }

    private static SecretKey CreateSut(KeyType type, Random random) => new(RandomKeyBytes(random), type);

    private static byte[] RandomKeyBytes(Random random) => CryptoTestData.RandomBytes(random, SecretKey.KeySize);
}

using System.Text;
using System.Text.Json;
using KesGateway.Core.Crypto;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Crypto;

// Data-driven over every entry of decrypt.json, encrypt.json and legacy.json (legacy_json_unwrap).
public sealed partial class SecretKeyTests
{
    private const string DecryptFile = "decrypt.json";
    private const string EncryptFile = "encrypt.json";
    private const string LegacyFile = "legacy.json";

    public static TheoryData<string> DecryptVectors() => new(VectorFile.CaseKeys(DecryptFile, "vectors"));

    public static TheoryData<string> RoundTripVectors() => new(VectorFile.CaseKeys(EncryptFile, "roundtrip"));

    public static TheoryData<string> FixedRandomnessVectors() => new(VectorFile.CaseKeys(EncryptFile, "derived_fixed_randomness"));

    public static TheoryData<string> LegacyUnwrapVectors()
        => new(VectorFile.CaseKeys(LegacyFile, "legacy_json_unwrap", static e => $"{AeadOf(e)} {e.OptionalString("why") ?? "ok"}"));

    [Theory]
    [InlineData(DecryptFile, new[] { "description", "vectors" })]
    [InlineData(EncryptFile, new[] { "description", "roundtrip", "derived_fixed_randomness" })]
    public void VectorFile_Sections_AreAllHandled(string file, string[] handled)
        => Assert.Empty(VectorFile.SectionNames(file).Except(handled));

    [Theory]
    [MemberData(nameof(DecryptVectors))]
    public void Decrypt_Vector_MatchesExpectation(string vector)
    {
        var entry = VectorFile.Entry(DecryptFile, "vectors", vector);
        using var sut = CryptoTestData.KeyFrom(entry);
        var ciphertext = CiphertextOf(entry);
        var associatedData = entry.Base64("associated_data_b64");
        AssertDerivedLayout(entry, ciphertext);

        switch (entry.Str("expect"))
        {
            case "plaintext":
                var expected = entry.Base64("expected_plaintext_b64");
                Assert.Equal(expected, sut.Decrypt(ciphertext, associatedData));
                Assert.Equal(expected, sut.Decrypt(ciphertext, associatedData, DecryptOptions.AllowLegacyAesKdf));
                var destination = new byte[SecretKey.GetMaxPlaintextLength(ciphertext.Length)];
                Assert.True(sut.TryDecrypt(ciphertext, associatedData, destination, out var written));
                Assert.Equal(expected, destination[..written]);
                break;
            case "error":
                var exception = Assert.Throws<DecryptionException>(() => sut.Decrypt(ciphertext, associatedData));
                Assert.Equal("decryption failed: ciphertext is not authentic", exception.Message);
                Assert.False(sut.TryDecrypt(ciphertext, associatedData, new byte[ciphertext.Length], out _));
                break;
            case var other:
                Assert.Fail($"Unhandled expect '{other}'.");
                break;
        }
    }

    // The superset rule: a legacy untyped key opens structured ciphertexts with the cipher they name, and raw ones as AES.
    [Theory]
    [MemberData(nameof(DecryptVectors))]
    public void Decrypt_VectorWithLegacyUntypedKey_FollowsCiphertextAlgorithmForStructuredFormats(string vector)
    {
        var entry = VectorFile.Entry(DecryptFile, "vectors", vector);
        using var sut = CryptoTestData.LegacyUntypedKey(entry.Base64("key_b64"));
        var ciphertext = CiphertextOf(entry);
        var associatedData = entry.Base64("associated_data_b64");
        var structured = entry.Str("ciphertext_format") is "json" or "msgpack";
        var typedAes = CryptoTestData.ParseKeyType(entry.Str("key_type")) == KeyType.AES256;

        if (entry.Str("expect") == "plaintext" && (structured || typedAes))
        {
            Assert.Equal(entry.Base64("expected_plaintext_b64"), sut.Decrypt(ciphertext, associatedData));
        }
        else
        {
            Assert.Throws<DecryptionException>(() => sut.Decrypt(ciphertext, associatedData));
        }
    }

    [Theory]
    [MemberData(nameof(RoundTripVectors))]
    public void Encrypt_RoundTripVector_DecryptsWithSameContextOnly(string vector)
    {
        var entry = VectorFile.Entry(EncryptFile, "roundtrip", vector);
        using var sut = CryptoTestData.KeyFrom(entry);
        var plaintext = entry.Base64("plaintext_b64");
        var associatedData = entry.Base64("associated_data_b64");

        var ciphertext = sut.Encrypt(plaintext, associatedData);

        Assert.Equal(plaintext.Length + 44, ciphertext.Length);
        Assert.Equal(plaintext, sut.Decrypt(ciphertext, associatedData));
        byte[] otherContext = associatedData.Length == 0 ? [1] : [];
        Assert.Throws<DecryptionException>(() => sut.Decrypt(ciphertext, otherContext));
    }

    [Theory]
    [MemberData(nameof(FixedRandomnessVectors))]
    public void Encrypt_FixedRandomnessVector_ProducesExactBytes(string vector)
    {
        var entry = VectorFile.Entry(EncryptFile, "derived_fixed_randomness", vector);
        using var sut = CryptoTestData.KeyFrom(entry);
        var plaintext = entry.Base64("plaintext_b64");
        var associatedData = entry.Base64("associated_data_b64");
        byte[] random = [.. entry.Hex("iv_hex"), .. entry.Hex("nonce_hex")];
        var expected = entry.Base64("expected_ciphertext_b64");
        var destination = new byte[SecretKey.ComputeCiphertextLength(plaintext.Length)];

        var written = sut.Encrypt(plaintext, associatedData, random, destination);

        Assert.Equal(expected.Length, written);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(destination));
        Assert.Equal(plaintext, sut.Decrypt(expected, associatedData));
    }

    [Theory]
    [MemberData(nameof(LegacyUnwrapVectors))]
    public void Decrypt_LegacyUnwrapVectorWithOptIn_MatchesLegacyResult(string vector)
    {
        var entry = VectorFile.Entry(LegacyFile, "legacy_json_unwrap", vector);
        using var sut = CryptoTestData.LegacyUntypedKey(entry.Hex("key_hex")); // v0.7.2 stored {"bytes"} only
        var ciphertext = Encoding.UTF8.GetBytes(entry.Str("ciphertext_text")!);

        switch (entry.Str("legacy_result"))
        {
            case "ok":
                Assert.Equal(entry.Hex("expected_plaintext_hex"), sut.Decrypt(ciphertext, [], DecryptOptions.AllowLegacyAesKdf));
                break;
            case "error":
                Assert.Throws<DecryptionException>(() => sut.Decrypt(ciphertext, [], DecryptOptions.AllowLegacyAesKdf));
                break;
            case var other:
                Assert.Fail($"Unhandled legacy_result '{other}'.");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(LegacyUnwrapVectors))]
    public void Decrypt_LegacyUnwrapVectorWithoutOptIn_MatchesCurrentKesPlusUntypedSuperset(string vector)
    {
        var entry = VectorFile.Entry(LegacyFile, "legacy_json_unwrap", vector);
        var key = entry.Hex("key_hex");
        var ciphertext = Encoding.UTF8.GetBytes(entry.Str("ciphertext_text")!);
        using var untyped = CryptoTestData.LegacyUntypedKey(key);
        using var typedAes = new SecretKey(key, KeyType.AES256);
        using var typedChaCha = new SecretKey(key, KeyType.ChaCha20);

        var legacyResult = entry.Str("legacy_result");
        var current = entry.OptionalString("current_kes_result");
        if (legacyResult == "error" || current == "error")
        {
            // Nothing opens it without the opt-in.
            Assert.Throws<DecryptionException>(() => untyped.Decrypt(ciphertext, []));
            Assert.Throws<DecryptionException>(() => typedAes.Decrypt(ciphertext, []));
            Assert.Throws<DecryptionException>(() => typedChaCha.Decrypt(ciphertext, []));
        }
        else if (legacyResult == "ok" && current is not null && current.StartsWith("ok only if the stored key is typed ChaCha20", StringComparison.Ordinal))
        {
            // Current KES: typed ChaCha20 only. Here also the legacy untyped key, via the algorithm in the ciphertext.
            var expected = entry.Hex("expected_plaintext_hex");
            Assert.Equal(expected, typedChaCha.Decrypt(ciphertext, []));
            Assert.Equal(expected, untyped.Decrypt(ciphertext, []));
            Assert.Throws<DecryptionException>(() => typedAes.Decrypt(ciphertext, []));
        }
        else
        {
            Assert.Fail($"Unhandled combination legacy_result '{legacyResult}' / current_kes_result '{current}'.");
        }
    }

    private static string AeadOf(JsonElement entry)
    {
        var text = entry.Str("ciphertext_text")!;
        var start = text.IndexOf("\"aead\":\"", StringComparison.Ordinal);
        return start < 0 ? "?" : text[(start + 8)..text.IndexOf('"', start + 8)];
    }

    private static byte[] CiphertextOf(JsonElement entry) => entry.Str("ciphertext_format") switch
    {
        "json" or "json-malformed" => Encoding.UTF8.GetBytes(entry.Str("ciphertext_text")!),
        "msgpack" or "raw" => entry.Base64("ciphertext_b64"),
        var other => throw new InvalidOperationException($"Vector has unknown ciphertext_format '{other}'."),
    };

    private static void AssertDerivedLayout(JsonElement entry, byte[] ciphertext)
    {
        if (!entry.TryGetProperty("derived_layout", out var layout))
        {
            return;
        }

        if (layout.TryGetProperty("hex", out var hex))
        {
            Assert.Equal(hex.GetString(), Convert.ToHexStringLower(ciphertext));
        }
        else
        {
            var joined = layout.Str("sealed_hex") + layout.Str("iv_hex") + layout.Str("nonce_hex");
            Assert.Equal(joined, Convert.ToHexStringLower(ciphertext));
        }
    }
}

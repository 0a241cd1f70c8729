using System.Globalization;
using System.Text;
using System.Text.Json;
using KesGateway.Core.Crypto;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Crypto;

// Data-driven over every entry of key-versions.json.
public sealed partial class KeyVersionTests
{
    private const string File = "key-versions.json";

    public static TheoryData<string> ParseVectors() => new(VectorFile.CaseKeys(File, "parse", static e => $"{e.Str("id")} {e.Str("expect")}"));

    public static TheoryData<string> EncodeVectors() => new(VectorFile.CaseKeys(File, "encode", static e => $"{e.Str("id")} {e.Str("expect")}"));

    public static TheoryData<string> LegacyStoredSecretVectors() => new(VectorFile.CaseKeys(File, "legacy_stored_secret_strings"));

    [Fact]
    public void VectorFile_Sections_AreAllHandled()
        => Assert.Empty(VectorFile.SectionNames(File).Except(["description", "parse", "encode", "legacy_stored_secret_strings"]));

    [Theory]
    [MemberData(nameof(ParseVectors))]
    public void Parse_Vector_MatchesExpectation(string vector)
    {
        var entry = VectorFile.Entry(File, "parse", vector);
        var raw = entry.Str("raw")!;

        switch (entry.Str("expect"))
        {
            case "ok":
                using (var sut = KeyVersion.Parse(raw))
                {
                    AssertFields(entry, sut);
                    Assert.Equal(ExpectLegacyUntyped(raw), sut.Key.IsLegacyUntyped);
                    if (entry.TryGetProperty("derived_protobuf_fields", out var fields))
                    {
                        AssertProtobufFields(fields, raw, sut);
                    }

                    if (sut.HmacKey is not null)
                    {
                        // Re-encoding reproduces the stored value byte for byte.
                        Assert.Equal(raw, sut.Encode());
                    }
                }

                Assert.True(KeyVersion.TryParse(Encoding.UTF8.GetBytes(raw), out var viaBytes));
                viaBytes.Dispose();
                break;
            case "error":
                Assert.Throws<KeyVersionFormatException>(() => KeyVersion.Parse(raw));
                Assert.False(KeyVersion.TryParse(raw, out _));
                break;
            case var other:
                Assert.Fail($"Unhandled expect '{other}'.");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(EncodeVectors))]
    public void Encode_Vector_MatchesExpectation(string vector)
    {
        var entry = VectorFile.Entry(File, "encode", vector);
        var keyB64 = entry.Str("key_b64");
        var hmacB64 = entry.Str("hmac_key_b64");
        var createdAt = DateTimeOffset.Parse(entry.Str("created_at")!, CultureInfo.InvariantCulture);
        var createdBy = entry.Str("created_by");
        if (hmacB64 is not null)
        {
            Assert.Equal("SHA256", entry.Str("hmac_hash"));
        }

        switch (entry.Str("expect"), keyB64, hmacB64)
        {
            case ("ok", not null, not null):
                using (var sut = new KeyVersion(new SecretKey(Convert.FromBase64String(keyB64), CryptoTestData.ParseKeyType(entry.Str("key_type"))), new HmacKey(Convert.FromBase64String(hmacB64)), createdAt, createdBy))
                {
                    var encoded = sut.Encode();
                    if (entry.TryGetProperty("derived_expected_encoding", out var derived))
                    {
                        Assert.Equal(derived.Str("value"), encoded);
                    }

                    Assert.Equal(Encoding.ASCII.GetBytes(encoded), sut.EncodeToUtf8());
                    using var parsed = KeyVersion.Parse(encoded);
                    Assert.Equal(keyB64, Convert.ToBase64String(parsed.Key.KeyMaterial.Span));
                    Assert.Equal(sut.Key.Type, parsed.Key.Type);
                    Assert.Equal(hmacB64, Convert.ToBase64String(parsed.HmacKey!.KeyMaterial.Span));
                    Assert.Equal(createdAt, parsed.CreatedAt);
                    Assert.Equal(createdBy, parsed.CreatedBy);
                }

                break;
            case ("error", not null, null):
                // "crypto: HMAC key is not initialized"
                using (var sut = new KeyVersion(new SecretKey(Convert.FromBase64String(keyB64), CryptoTestData.ParseKeyType(entry.Str("key_type"))), null, createdAt, createdBy))
                {
                    var exception = Assert.Throws<InvalidOperationException>(() => sut.Encode());
                    Assert.Equal("crypto: HMAC key is not initialized", exception.Message);
                }

                break;
            case ("error", null, not null):
                // "crypto: secret key is not initialized": a KeyVersion cannot even be built without a secret key.
                Assert.Throws<ArgumentNullException>(() => new KeyVersion(null!, new HmacKey(Convert.FromBase64String(hmacB64)), createdAt, createdBy));
                break;
            default:
                Assert.Fail($"Unhandled encode vector shape: expect '{entry.Str("expect")}', key {(keyB64 is null ? "null" : "set")}, hmac {(hmacB64 is null ? "null" : "set")}.");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(LegacyStoredSecretVectors))]
    public void Parse_LegacyStoredSecretString_IsUntypedAes256WithoutHmac(string vector)
    {
        var entry = VectorFile.Entry(File, "legacy_stored_secret_strings", vector);

        using var sut = KeyVersion.Parse(entry.Str("stored")!);

        Assert.Equal(entry.Str("key_hex"), Convert.ToHexStringLower(sut.Key.KeyMaterial.Span));
        Assert.Equal(KeyType.AES256, sut.Key.Type);
        Assert.True(sut.Key.IsLegacyUntyped);
        Assert.Null(sut.HmacKey);
        Assert.Null(sut.CreatedAt);
        Assert.Equal(string.Empty, sut.CreatedBy);
    }

    private static void AssertFields(JsonElement entry, KeyVersion sut)
    {
        Assert.Equal(CryptoTestData.ParseKeyType(entry.Str("key_type")), sut.Key.Type);
        Assert.Equal(entry.Str("key_b64"), Convert.ToBase64String(sut.Key.KeyMaterial.Span));
        Assert.Equal(entry.Str("hmac_key_b64"), sut.HmacKey is null ? null : Convert.ToBase64String(sut.HmacKey.KeyMaterial.Span));
        Assert.Equal(entry.Str("created_by"), sut.CreatedBy);
        if (entry.Str("created_at") is { } createdAt)
        {
            Assert.Equal(DateTimeOffset.Parse(createdAt, CultureInfo.InvariantCulture), sut.CreatedAt); // same instant
            Assert.Equal(TimeSpan.Zero, sut.CreatedAt!.Value.Offset);
        }
        else
        {
            Assert.Null(sut.CreatedAt);
        }
    }

    private static void AssertProtobufFields(JsonElement fields, string raw, KeyVersion sut)
    {
        Assert.Equal(fields.Str("protobuf_hex"), Convert.ToHexStringLower(Convert.FromBase64String(raw)));
        Assert.Equal(fields.GetProperty("timestamp_seconds").GetInt64(), sut.CreatedAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(fields.GetProperty("timestamp_nanos").GetInt32(), sut.CreatedAtNanosecond);
        Assert.Equal(fields.GetProperty("secret_key_type_field").GetInt32(), (int)sut.Key.Type);
        Assert.Equal(1, fields.GetProperty("hmac_hash_field").GetInt32());
    }

    // A legacy JSON value without (or with an empty) algorithm is an untyped key.
    private static bool ExpectLegacyUntyped(string raw)
    {
        if (!raw.StartsWith('{'))
        {
            return false;
        }

        using var document = JsonDocument.Parse(raw);
        return !document.RootElement.TryGetProperty("algorithm", out var algorithm) || algorithm.GetString() is null or "";
    }
}

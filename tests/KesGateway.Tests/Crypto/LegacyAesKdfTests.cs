using KesGateway.Core.Crypto;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Crypto;

public sealed class LegacyAesKdfTests
{
    private const string File = "legacy.json";

    public static TheoryData<string> KdfVectors()
        => new(VectorFile.CaseKeys(File, "insecure_aes_kdf", static e => $"key {e.Str("key_hex")!.Length / 2} B, iv {e.Str("iv_hex")!.Length / 2} B {e.OptionalString("why")}"));

    [Fact]
    public void VectorFile_Sections_AreAllHandled()
        => Assert.Empty(VectorFile.SectionNames(File).Except(
            ["description", "insecure_aes_kdf", "insecure_aes_kdf_source", "legacy_json_unwrap", "legacy_json_unwrap_source"]));

    [Theory]
    [MemberData(nameof(KdfVectors))]
    public void DeriveKey_Vector_MatchesExpectation(string vector)
    {
        var entry = VectorFile.Entry(File, "insecure_aes_kdf", vector);
        var key = entry.Hex("key_hex");
        var iv = entry.Hex("iv_hex");
        var destination = new byte[32];

        switch (entry.OptionalString("expect") ?? "ok")
        {
            case "ok":
                var written = LegacyAesKdf.DeriveKey(key, iv, destination);
                Assert.Equal(entry.Str("derived_key_hex"), Convert.ToHexStringLower(destination.AsSpan(0, written)));
                break;
            case "error":
                Assert.Throws<ArgumentException>(() => LegacyAesKdf.DeriveKey(key, iv, destination));
                break;
            case var other:
                Assert.Fail($"Unhandled expect '{other}'.");
                break;
        }
    }
}

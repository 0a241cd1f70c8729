using System.Text;
using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>Transit (§9.8, §11.2 #17): round trip, tamper and wrong-key detection, rotation, upsert, errors.</summary>
public sealed class VaultDoubleTransitTests
{
    private static readonly string Plaintext = Convert.ToBase64String(Encoding.ASCII.GetBytes("CiIKIHt2ZXJzaW9uIjoxfQ=="));

    [Fact]
    public async Task EncryptThenDecrypt_RoundTripsWithV1Prefix()
    {
        await using var vault = await StartAsync();
        using var http = await KesClientAsync(vault);

        var encrypt = await http.PostAsync("transit/encrypt/kes-key", $$"""{"plaintext":"{{Plaintext}}"}""");
        var ciphertext = encrypt.Data!["ciphertext"]!.GetValue<string>();
        var decrypt = await http.PostAsync("transit/decrypt/kes-key", $$"""{"ciphertext":"{{ciphertext}}"}""");

        Assert.Equal(200, encrypt.Status);
        Assert.StartsWith("vault:v1:", ciphertext, StringComparison.Ordinal);
        Assert.Equal(1, encrypt.Data!["key_version"]!.GetValue<int>());
        Assert.Equal(200, decrypt.Status);
        Assert.Equal(Plaintext, decrypt.Data!["plaintext"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decrypt_TamperedCiphertext_Is400AuthenticationFailed()
    {
        await using var vault = await StartAsync();
        using var http = await KesClientAsync(vault);
        var ciphertext = vault.TransitEncrypt("kes-key", [1, 2, 3, 4]);
        var blob = Convert.FromBase64String(ciphertext["vault:v1:".Length..]);
        blob[^1] ^= 0x01;
        var tampered = "vault:v1:" + Convert.ToBase64String(blob);

        var decrypt = await http.PostAsync("transit/decrypt/kes-key", $$"""{"ciphertext":"{{tampered}}"}""");

        Assert.Equal(400, decrypt.Status);
        Assert.Equal(["cipher: message authentication failed"], decrypt.Errors);
    }

    [Fact]
    public async Task Decrypt_CiphertextOfAnotherKey_Is400()
    {
        await using var vault = await StartAsync();
        vault.CreateTransitKey("other-key");
        using var http = new VaultTestHttp(vault) { Token = vault.RootToken };
        var foreign = vault.TransitEncrypt("other-key", [1, 2, 3]);

        var decrypt = await http.PostAsync("transit/decrypt/kes-key", $$"""{"ciphertext":"{{foreign}}"}""");

        Assert.Equal(["cipher: message authentication failed"], decrypt.Errors);
    }

    [Theory]
    [InlineData("AAAA", "invalid ciphertext: no prefix")]
    [InlineData("vault:v1", "invalid ciphertext: wrong number of fields")]
    [InlineData("vault:vX:AAAA", "invalid ciphertext: version number could not be decoded")]
    [InlineData("vault:v9:AAAA", "invalid ciphertext: version is too new")]
    [InlineData("vault:v1:!!!", "invalid ciphertext: could not decode base64")]
    public async Task Decrypt_MalformedCiphertext_Is400WithReason(string ciphertext, string error)
    {
        await using var vault = await StartAsync();
        using var http = new VaultTestHttp(vault) { Token = vault.RootToken };

        var decrypt = await http.PostAsync("transit/decrypt/kes-key", $$"""{"ciphertext":"{{ciphertext}}"}""");

        Assert.Equal(400, decrypt.Status);
        Assert.Equal([error], decrypt.Errors);
    }

    [Fact]
    public async Task RotateTransitKey_NewCiphertextsAreV2AndOldOnesStillDecrypt()
    {
        await using var vault = await StartAsync();
        using var http = await KesClientAsync(vault);
        var old = vault.TransitEncrypt("kes-key", Encoding.ASCII.GetBytes("old"));

        Assert.Equal(2, vault.RotateTransitKey("kes-key"));
        var encrypt = await http.PostAsync("transit/encrypt/kes-key", $$"""{"plaintext":"{{Plaintext}}"}""");
        var decryptOld = await http.PostAsync("transit/decrypt/kes-key", $$"""{"ciphertext":"{{old}}"}""");
        vault.SetTransitMinDecryptionVersion("kes-key", 2);
        var tooOld = await http.PostAsync("transit/decrypt/kes-key", $$"""{"ciphertext":"{{old}}"}""");

        Assert.StartsWith("vault:v2:", encrypt.Data!["ciphertext"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("b2xk", decryptOld.Data!["plaintext"]!.GetValue<string>());
        Assert.Equal(["ciphertext or signature version is disallowed by policy (too old)"], tooOld.Errors);
    }

    [Fact]
    public async Task Encrypt_MissingKeyWithUpdateOnly_IsDeniedAsCreate()
    {
        await using var vault = await StartAsync();
        using var http = await KesClientAsync(vault);
        vault.DeleteTransitKey("kes-key");

        var encrypt = await http.PostAsync("transit/encrypt/kes-key", $$"""{"plaintext":"{{Plaintext}}"}""");
        var decrypt = await http.PostAsync("transit/decrypt/kes-key", """{"ciphertext":"vault:v1:AAAA"}""");

        Assert.Equal(403, encrypt.Status);
        Assert.Equal(400, decrypt.Status);
        Assert.Equal(["encryption key not found"], decrypt.Errors);
    }

    [Fact]
    public async Task Encrypt_MissingKeyWithCreate_Upserts()
    {
        await using var vault = await StartAsync();
        vault.DeleteTransitKey("kes-key");
        vault.WritePolicy("transit", VaultSeedPolicies.Transit("kes-key", upsert: true));
        using var http = new VaultTestHttp(vault) { Token = vault.CreateToken(["transit"]) };

        var encrypt = await http.PostAsync("transit/encrypt/kes-key", $$"""{"plaintext":"{{Plaintext}}"}""");

        Assert.Equal(200, encrypt.Status);
        Assert.Equal(1, vault.TransitKeyVersion("kes-key"));
    }

    [Fact]
    public async Task Encrypt_BadPlaintext_Is400()
    {
        await using var vault = await StartAsync();
        using var http = await KesClientAsync(vault);

        var notBase64 = await http.PostAsync("transit/encrypt/kes-key", """{"plaintext":"not base64!"}""");
        var missing = await http.PostAsync("transit/encrypt/kes-key", "{}");

        Assert.Equal(400, notBase64.Status);
        Assert.Equal(400, missing.Status);
    }

    [Fact]
    public async Task DerivedKey_WithoutContext_Is400()
    {
        await using var vault = await StartAsync();
        vault.CreateTransitKey("derived", derived: true);
        using var http = new VaultTestHttp(vault) { Token = vault.RootToken };

        var withoutContext = await http.PostAsync("transit/encrypt/derived", $$"""{"plaintext":"{{Plaintext}}"}""");
        var withContext = await http.PostAsync("transit/encrypt/derived", $$"""{"plaintext":"{{Plaintext}}","context":"a2Vz"}""");

        Assert.Equal(400, withoutContext.Status);
        Assert.StartsWith("missing 'context' for key derivation", Assert.Single(withoutContext.Errors), StringComparison.Ordinal);
        Assert.Equal(200, withContext.Status);
    }

    private static async Task<VaultDouble> StartAsync()
    {
        var vault = await VaultDouble.StartAsync();
        vault.EnableTransit();
        vault.CreateTransitKey("kes-key");
        return vault;
    }

    /// <summary>A KES-like token: KV v1 seed policy plus the §10.4 transit grants (update only).</summary>
    private static async Task<VaultTestHttp> KesClientAsync(VaultDouble vault)
    {
        var (roleId, secretId) = VaultTutorial.Setup(vault, 1, VaultSeedPolicies.KvV1);
        vault.WritePolicy("kes-transit", VaultSeedPolicies.Transit("kes-key"));
        vault.WriteAppRole("kes-server", policies: ["kes-policy", "kes-transit"]);
        var http = new VaultTestHttp(vault);
        http.Token = await http.LoginAsync(roleId, secretId);
        return http;
    }
}

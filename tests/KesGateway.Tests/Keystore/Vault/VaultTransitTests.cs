using System.Text;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Vault;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>Transit encryption of stored values (vault-compat §4.6–§4.7).</summary>
public sealed class VaultTransitTests
{
    private const string Encrypt = "/v1/transit/encrypt/kes-key";
    private const string Decrypt = "/v1/transit/decrypt/kes-key";
    private const string Value = "CiIKIHt2base64==";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_PreReadsThenEncryptsThenWritesTheCiphertext()
    {
        await using var bed = CreateBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("POST", Encrypt, 200, """{"data":{"ciphertext":"vault:v1:c2VhbGVk","key_version":1}}""");
        bed.Handler.On("PUT", "/v1/kv/my-key", 204, null);

        Assert.True(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        var calls = bed.Handler.Calls;
        Assert.Equal(["GET /v1/kv/my-key", "POST " + Encrypt, "PUT /v1/kv/my-key"], calls.Select(c => $"{c.Method} {c.Path}"));
        Assert.Equal($$"""{"plaintext":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(Value))}}"}""", calls[1].Body);
        Assert.Equal(("ns1", ScriptedVaultHandler.LoginToken), (calls[1].Namespace, calls[1].Token));
        Assert.Equal("""{"my-key":"vault:v1:c2VhbGVk"}""", calls[2].Body);
    }

    [Fact]
    public async Task CreateAsync_KeyPresent_DoesNotEncrypt()
    {
        await using var bed = CreateBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 200, """{"data":{"my-key":"vault:v1:x"}}""");

        Assert.False(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));
        Assert.Empty(bed.Handler.To(Encrypt));
    }

    [Theory]
    [InlineData(400, """{"errors":["encryption key not found"]}""", "failed to encrypt key: Error making API request.\n\nNamespace: ns1\nURL: POST https://vault.test:8200/v1/transit/encrypt/kes-key\nCode: 400. Errors:\n\n* encryption key not found")]
    [InlineData(200, """{"data":{}}""", "failed to encrypt key: no ciphertext in vault response")]
    [InlineData(200, """{"data":{"ciphertext":42}}""", "failed to encrypt key: invalid vault response")]
    [InlineData(200, """{"data":{"ciphertext":"plain"}}""", "failed to encrypt key: invalid vault response")]
    [InlineData(204, null, "server responded with: 204 No Content (204)")]
    public async Task CreateAsync_EncryptFails_IsAnErrorAndNothingIsWritten(int status, string? body, string reason)
    {
        await using var bed = CreateBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("POST", Encrypt, status, body);

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.Equal("vault: failed to create 'kv/my-key': " + reason, ex.Message);
        Assert.DoesNotContain(bed.Handler.Calls, c => c.Method == "PUT");
    }

    [Fact]
    public async Task CreateAsync_RotatedTransitKey_IsRefusedBecauseKesCouldNotReadIt()
    {
        await using var bed = CreateBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("POST", Encrypt, 200, """{"data":{"ciphertext":"vault:v2:c2VhbGVk","key_version":2}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.StartsWith("vault: failed to create 'kv/my-key': failed to encrypt key: invalid vault response: ciphertext of transit key version 'vault:v2:'", ex.Message);
        Assert.DoesNotContain(bed.Handler.Calls, c => c.Method == "PUT");
    }

    [Theory]
    [InlineData("vault:v1:c2VhbGVk")]
    [InlineData("vault:v2:c2VhbGVk")]
    [InlineData("vault:v10:c2VhbGVk")]
    public async Task GetAsync_TransitCiphertextOfAnyVersion_IsDecrypted(string ciphertext)
    {
        await using var bed = CreateBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 200, "{\"data\":{\"my-key\":\"" + ciphertext + "\"}}");
        bed.Handler.On("POST", Decrypt, 200, "{\"data\":{\"plaintext\":\"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(Value)) + "\"}}");

        Assert.Equal(Value, Encoding.UTF8.GetString((await store.GetAsync("my-key", Ct))!));

        var decrypt = Assert.Single(bed.Handler.To(Decrypt));
        Assert.Equal($$"""{"ciphertext":"{{ciphertext}}"}""", decrypt.Body);
        Assert.Equal("ns1", decrypt.Namespace);
    }

    [Fact]
    public async Task GetAsync_PlainLegacyValue_IsReturnedAsIs()
    {
        await using var bed = CreateBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 200, """{"data":{"my-key":"CiIKlegacy=="}}""");

        Assert.Equal("CiIKlegacy==", Encoding.UTF8.GetString((await store.GetAsync("my-key", Ct))!));
        Assert.Empty(bed.Handler.To(Decrypt));
    }

    [Theory]
    [InlineData(400, """{"errors":["invalid ciphertext: unable to decrypt"]}""", "failed to decrypt key: Error making API request.\n\nNamespace: ns1\nURL: POST https://vault.test:8200/v1/transit/decrypt/kes-key\nCode: 400. Errors:\n\n* invalid ciphertext: unable to decrypt")]
    [InlineData(200, """{"data":{}}""", "failed to decrypt key: no plaintext in vault response")]
    [InlineData(200, """{"data":{"plaintext":7}}""", "failed to decrypt key: invalid vault response")]
    [InlineData(200, """{"data":{"plaintext":"not base64!"}}""", "failed to decrypt key: invalid vault response")]
    [InlineData(204, null, "server responded with: 204 No Content (204)")]
    public async Task GetAsync_DecryptFails_IsAnError(int status, string? body, string reason)
    {
        await using var bed = CreateBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 200, """{"data":{"my-key":"vault:v1:c2VhbGVk"}}""");
        bed.Handler.On("POST", Decrypt, status, body);

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.Equal("vault: failed to read 'my-key': " + reason, ex.Message);
    }

    [Fact]
    public async Task Transit_EngineAndKey_NameThePaths()
    {
        await using var bed = CreateBed();
        bed.Options.Transit = new VaultTransitOptions { Engine = "/team-transit/", Key = "minio" };
        var store = await bed.ConnectAsync();
        bed.Handler.On("POST", "/v1/team-transit/encrypt/minio", 200, """{"data":{"ciphertext":"vault:v1:x"}}""");
        bed.Handler.On("PUT", "/v1/kv/my-key", 204, null);

        Assert.True(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));
    }

    [Theory]
    [InlineData("vault:v1:abc", true)]
    [InlineData("vault:v23:abc", true)]
    [InlineData("vault:v:abc", false)]
    [InlineData("vault:vx:abc", false)]
    [InlineData("vault:v1", false)]
    [InlineData("CiIK==", false)]
    public void IsTransitCiphertext_RecognisesVaultVersionPrefixes(string value, bool expected) =>
        Assert.Equal(expected, VaultKeyStore.IsTransitCiphertext(value));

    private static VaultTestBed CreateBed()
    {
        var bed = new VaultTestBed(@namespace: "ns1");
        bed.Options.Transit = new VaultTransitOptions { Key = "kes-key" };
        return bed;
    }
}

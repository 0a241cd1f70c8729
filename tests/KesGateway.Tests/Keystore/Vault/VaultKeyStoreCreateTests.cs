using System.Text;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Vault;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>Create (vault-compat §4.1): pre-read, write, and every row of the decision table.</summary>
public sealed class VaultKeyStoreCreateTests
{
    private const string Value = "CiIKIHt2base64==";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_V1_PreReadsThenPutsOneFieldNamedAfterTheKey()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", "/v1/kv/tenant-1/my-key", 204, null);

        Assert.True(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        var calls = bed.Handler.Calls.ToList();
        Assert.Equal(["GET /v1/kv/tenant-1/my-key", "PUT /v1/kv/tenant-1/my-key"], calls.Select(c => $"{c.Method} {c.Uri.PathAndQuery}"));
        Assert.Equal("""{"my-key":"CiIKIHt2base64=="}""", calls[1].Body);
        Assert.Null(calls[1].ContentType);
        Assert.All(calls, c => Assert.Equal("true", c.Headers["X-Vault-Request"]));
        Assert.All(calls, c => Assert.Equal(ScriptedVaultHandler.LoginToken, c.Token));
    }

    [Fact]
    public async Task CreateAsync_V2_WritesThroughDataWithCasZero()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", "/v1/kv/data/tenant-1/my-key", 200, """{"data":{"created_time":"2025-01-30T09:41:53Z","custom_metadata":null,"deletion_time":"","destroyed":false,"version":1}}""");

        Assert.True(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        var calls = bed.Handler.Calls.ToList();
        Assert.Equal(["GET /v1/kv/data/tenant-1/my-key", "PUT /v1/kv/data/tenant-1/my-key"], calls.Select(c => $"{c.Method} {c.Uri.PathAndQuery}"));
        Assert.Equal("""{"data":{"my-key":"CiIKIHt2base64=="},"options":{"cas":0}}""", calls[1].Body);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    public async Task CreateAsync_WriteAnswered200Or204_Succeeds(int status)
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", "/v1/kv/my-key", status, status == 200 ? """{"data":null,"warnings":["w"]}""" : null);

        Assert.True(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));
    }

    [Theory]
    [InlineData(VaultKvVersion.V1, "/v1/kv/my-key", """{"data":{"my-key":"old"}}""")]
    [InlineData(VaultKvVersion.V2, "/v1/kv/data/my-key", """{"data":{"data":{"my-key":"old"},"metadata":{"version":1}}}""")]
    public async Task CreateAsync_KeyPresent_ReturnsFalseWithoutWriting(VaultKvVersion version, string path, string answer)
    {
        await using var bed = new VaultTestBed(version);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", path, 200, answer);

        Assert.False(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));
        Assert.DoesNotContain(bed.Handler.Calls, c => c.Method == "PUT");
    }

    [Fact]
    public async Task CreateAsync_V1EntryWithoutTheField_IsInvalidV1Format()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/tenant-1/my-key", 200, """{"data":{"other":"x"}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.Equal("vault: entry exist but failed to read 'kv/tenant-1/my-key': invalid K/V v1 format", ex.Message);
        Assert.DoesNotContain(bed.Handler.Calls, c => c.Method == "PUT");
    }

    [Fact]
    public async Task CreateAsync_V1ConfigOnV2Mount_WarningOnlyAnswerIsAnEntry_InvalidV1FormatWithTheWarning()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 404, """{"data":null,"warnings":["Invalid path for a versioned K/V secrets engine."]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.StartsWith("vault: entry exist but failed to read 'kv/my-key': invalid K/V v1 format", ex.Message);
        Assert.Contains("Invalid path for a versioned K/V secrets engine", ex.Message);
    }

    [Fact]
    public async Task CreateAsync_V2SoftDeletedVersion_SaysSoAndHowToFixIt()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2, prefix: "tenant-1", @namespace: "ns1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/tenant-1/my-key", 404,
            """{"data":{"data":null,"metadata":{"created_time":"2025-01-30T09:41:53Z","deletion_time":"2025-01-30T10:00:00Z","destroyed":false,"version":1}}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.StartsWith("vault: entry exists but failed to read 'kv/data/tenant-1/my-key': invalid K/V v2 format: missing 'data' entry: ", ex.Message);
        Assert.Contains("version 1 of the key was soft-deleted in Vault", ex.Message);
        Assert.Contains("'vault kv undelete -namespace=ns1 -mount=kv -versions=1 tenant-1/my-key'", ex.Message);
        Assert.Contains("'vault kv metadata delete -namespace=ns1 -mount=kv tenant-1/my-key'", ex.Message);
        Assert.DoesNotContain(bed.Handler.Calls, c => c.Method == "PUT");
    }

    [Fact]
    public async Task CreateAsync_V2DestroyedVersion_SaysTheValueIsGone()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/my-key", 404, """{"data":{"data":null,"metadata":{"deletion_time":"","destroyed":true,"version":2}}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.Contains("invalid K/V v2 format: missing 'data' entry: version 2 of the key was destroyed in Vault", ex.Message);
        Assert.Contains("'vault kv metadata delete -mount=kv my-key'", ex.Message);
    }

    [Fact]
    public async Task CreateAsync_V2DataNotAnObject_IsInvalidDataEntry()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/my-key", 200, """{"data":{"data":"text","metadata":{}}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.Equal("vault: entry exists but failed to read 'kv/data/my-key': invalid K/V v2 format: invalid 'data' entry", ex.Message);
    }

    [Fact]
    public async Task CreateAsync_V2EntryWithoutTheField_NoSecretKeyPresent()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/my-key", 200, """{"data":{"data":{"other":"x"},"metadata":{"version":1}}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.Equal("vault: failed to read 'kv/data/my-key': entry exists but no secret key is present", ex.Message);
    }

    [Fact]
    public async Task CreateAsync_V2CasMismatch_KeyNowPresent_ReportsExists()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/my-key", 200, """{"data":{"data":{"my-key":"someone-else"},"metadata":{"version":1}}}""");
        bed.Handler.On("GET", "/v1/kv/data/my-key", 404, """{"errors":[]}""", times: 1);
        bed.Handler.On("PUT", "/v1/kv/data/my-key", 400, """{"errors":["check-and-set parameter did not match the current version"]}""");

        Assert.False(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));
        Assert.Equal(["GET", "PUT", "GET"], bed.Handler.Calls.Select(c => c.Method));
    }

    [Fact]
    public async Task CreateAsync_WriteRetriedAfterLostAnswer_CasMismatchButOurValue_ReportsCreated()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/my-key", 200, "{\"data\":{\"data\":{\"my-key\":\"" + Value + "\"},\"metadata\":{\"version\":1}}}");
        bed.Handler.On("GET", "/v1/kv/data/my-key", 404, """{"errors":[]}""", times: 1);
        bed.Handler.On("PUT", "/v1/kv/data/my-key", 400, """{"errors":["check-and-set parameter did not match the current version"]}""");
        bed.Handler.On("PUT", "/v1/kv/data/my-key", _ => throw new HttpRequestException("connection reset"), times: 1);

        Assert.True(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));
        Assert.Equal(2, bed.Handler.Calls.Count(c => c.Method == "PUT"));
    }

    [Fact]
    public async Task CreateAsync_V1OverwriteRefusedByCreateOnlyPolicy_KeyNowPresent_ReportsExists()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 200, """{"data":{"my-key":"raced"}}""");
        bed.Handler.On("GET", "/v1/kv/my-key", 404, """{"errors":[]}""", times: 1);
        bed.Handler.On("PUT", "/v1/kv/my-key", 403, """{"errors":["1 error occurred:\n\t* permission denied\n\n"]}""");

        Assert.False(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));
    }

    [Fact]
    public async Task CreateAsync_WriteForbiddenAndStillAbsent_FailsWithVaultsErrors()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", "/v1/kv/my-key", 403, """{"errors":["1 error occurred:\n\t* permission denied\n\n"]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.Equal(
            "vault: failed to create 'kv/my-key': Error making API request.\n\nURL: PUT https://vault.test:8200/v1/kv/my-key\nCode: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n\n",
            ex.Message);
        Assert.Equal(["GET", "PUT", "GET"], bed.Handler.Calls.Select(c => c.Method));
    }

    [Fact]
    public async Task CreateAsync_MissingMount_FailsBeforeWriting()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 404, """{"errors":["no handler for route \"kv/my-key\". route entry not found."]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.StartsWith("vault: failed to create 'kv/my-key': Error making API request.", ex.Message);
        Assert.Contains("no handler for route", ex.Message);
        Assert.DoesNotContain(bed.Handler.Calls, c => c.Method == "PUT");
    }

    [Fact]
    public async Task CreateAsync_PreReadForbidden_FailsWithVaultsErrors()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1, @namespace: "ns1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 403, """{"errors":["permission denied"]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.Equal(
            "vault: failed to create 'kv/my-key': Error making API request.\n\nNamespace: ns1\nURL: GET https://vault.test:8200/v1/kv/my-key\nCode: 403. Errors:\n\n* permission denied",
            ex.Message);
    }

    [Fact]
    public async Task CreateAsync_WriteRejectedForAnInvalidToken_IsRepeatedWithTheNewTokenAndTheSameBody()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2);
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", "/v1/auth/approle/login", 200, ScriptedVaultHandler.Token("hvs.B"));
        bed.Handler.On("PUT", "/v1/kv/data/my-key", 200, """{"data":{"version":1}}""");
        bed.Handler.On(r => r.Method == "PUT" && r.Path == "/v1/kv/data/my-key" && r.Token == ScriptedVaultHandler.LoginToken,
            _ => ScriptedVaultHandler.Answer(403, """{"errors":["2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"]}"""));

        Assert.True(await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        var writes = bed.Handler.Calls.Where(c => c.Method == "PUT").ToList();
        Assert.Equal([ScriptedVaultHandler.LoginToken, "hvs.B"], writes.Select(w => w.Token));
        Assert.Equal(writes[0].Body, writes[1].Body);
    }

    [Fact]
    public async Task CreateAsync_WriteAnsweredWithOtherSuccessCode_IsAnError()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", "/v1/kv/my-key", 201, null);

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.Equal("vault: failed to create 'kv/my-key': server responded with: 201 Created (201)", ex.Message);
    }

    [Fact]
    public async Task CreateAsync_WriteGetsServerErrors_IsTriedThreeTimes()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", "/v1/kv/my-key", 503, """{"errors":["Vault is sealed"]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", Encoding.UTF8.GetBytes(Value), Ct));

        Assert.Contains("Code: 503. Errors:\n\n* Vault is sealed", ex.Message);
        Assert.Equal(3, bed.Handler.Calls.Count(c => c.Method == "PUT"));
    }

    [Fact]
    public async Task CreateAsync_ValueNotUtf8_IsRefusedWithoutCalls()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        var before = bed.Handler.Calls.Count;

        await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync("my-key", new byte[] { 0xff, 0xfe }, Ct));
        Assert.Equal(before, bed.Handler.Calls.Count);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("a?b")]
    [InlineData("")]
    public async Task CreateAsync_NameThatWouldChangeThePath_IsRefused(string name)
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();

        await Assert.ThrowsAsync<KeyStoreException>(async () => await store.CreateAsync(name, "v"u8.ToArray(), Ct));
    }
}

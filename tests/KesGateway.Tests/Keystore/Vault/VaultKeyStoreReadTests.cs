using System.Text;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Vault;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>Get, Delete and List (vault-compat §3, §4.2–§4.4, §8).</summary>
public sealed class VaultKeyStoreReadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetAsync_V1_ReadsTheField()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/tenant-1/my-key", 200, """{"lease_duration":2764800,"data":{"my-key":"stored-value"}}""");

        Assert.Equal("stored-value", Encoding.UTF8.GetString((await store.GetAsync("my-key", Ct))!));
        Assert.Equal("", bed.Handler.Calls[^1].Query);
    }

    [Fact]
    public async Task GetAsync_V2_ReadsVersionOne()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/tenant-1/my-key", 200, """{"data":{"data":{"my-key":"stored-value"},"metadata":{"version":1}}}""");

        Assert.Equal("stored-value", Encoding.UTF8.GetString((await store.GetAsync("my-key", Ct))!));
        Assert.Equal("GET /v1/kv/data/tenant-1/my-key?version=1", $"{bed.Handler.Calls[^1].Method} {bed.Handler.Calls[^1].Uri.PathAndQuery}");
    }

    [Theory]
    [InlineData("""{"errors":[]}""")]
    [InlineData(null)]
    public async Task GetAsync_Absent_ReturnsNull(string? body)
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/my-key", 404, body);

        Assert.Null(await store.GetAsync("my-key", Ct));
    }

    [Fact]
    public async Task GetAsync_MissingMount_IsAnErrorNotAbsent()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 404, """{"errors":["no handler for route \"kv/my-key\". route entry not found."]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.Equal(
            "vault: failed to read 'my-key': Error making API request.\n\nURL: GET https://vault.test:8200/v1/kv/my-key\nCode: 404. Errors:\n\n* no handler for route \"kv/my-key\". route entry not found.",
            ex.Message);
    }

    [Fact]
    public async Task GetAsync_ProxyHtml404_IsAnErrorWithTheRawMessage()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", _ => ScriptedVaultHandler.Answer(404, "<html>Not Found</html>", "text/html"));

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.EndsWith("Code: 404. Raw Message:\n\n<html>Not Found</html>", ex.Message);
    }

    [Fact]
    public async Task GetAsync_V2SoftDeletedVersion_IsAClearErrorNotAbsent()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/tenant-1/my-key", 404,
            """{"data":{"data":null,"metadata":{"deletion_time":"2025-01-30T10:00:00Z","destroyed":false,"version":1}}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.StartsWith("vault: failed to read 'tenant-1/my-key': entry exists but no secret key is present: version 1 of the key was soft-deleted in Vault", ex.Message);
        Assert.Contains("'vault kv undelete -mount=kv -versions=1 tenant-1/my-key'", ex.Message);
        Assert.Contains("'vault kv metadata delete -mount=kv tenant-1/my-key'", ex.Message);
    }

    [Fact]
    public async Task GetAsync_FieldMissing_NoSecretKeyPresent()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 200, """{"data":{"other":"x"}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.Equal("vault: failed to read 'my-key': entry exists but no secret key is present", ex.Message);
    }

    [Fact]
    public async Task GetAsync_V1ConfigOnV2Mount_NoSecretKeyPresentWithTheWarning()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 404, """{"warnings":["Invalid path for a versioned K/V secrets engine."]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.Equal("vault: failed to read 'my-key': entry exists but no secret key is present (Vault warns: Invalid path for a versioned K/V secrets engine.)", ex.Message);
    }

    [Theory]
    [InlineData("""{"data":{"my-key":42}}""")]
    [InlineData("""{"data":{"my-key":{"a":1}}}""")]
    public async Task GetAsync_FieldNotAString_InvalidFormat(string answer)
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 200, answer);

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.Equal("vault: failed to read 'my-key': invalid K/V format", ex.Message);
    }

    [Fact]
    public async Task GetAsync_TransitCiphertextWithoutTransit_IsAnError()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 200, """{"data":{"my-key":"vault:v1:abcd"}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.Equal("vault: failed to read 'my-key': key is encrypted with vault transit key", ex.Message);
    }

    [Fact]
    public async Task GetAsync_Forbidden_FailsWithVaultsErrors()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/data/tenant-1/my-key", 403, """{"errors":["1 error occurred:\n\t* permission denied\n\n"]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.Equal(
            "vault: failed to read 'tenant-1/my-key': Error making API request.\n\nURL: GET https://vault.test:8200/v1/kv/data/tenant-1/my-key?version=1\nCode: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n\n",
            ex.Message);
        Assert.Single(bed.Handler.Calls, c => c.Path == "/v1/kv/data/tenant-1/my-key");
    }

    [Theory]
    [InlineData(VaultKvVersion.V1, "/v1/kv/tenant-1/my-key")]
    [InlineData(VaultKvVersion.V2, "/v1/kv/metadata/tenant-1/my-key")]
    public async Task DeleteAsync_DeletesThePathOfTheVersion(VaultKvVersion version, string path)
    {
        await using var bed = new VaultTestBed(version, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("DELETE", path, 204, null);

        Assert.True(await store.DeleteAsync("my-key", Ct));
        Assert.Equal($"DELETE {path}", $"{bed.Handler.Calls[^1].Method} {bed.Handler.Calls[^1].Uri.PathAndQuery}");
    }

    [Theory]
    [InlineData(404, """{"errors":[]}""")]
    [InlineData(403, """{"errors":["permission denied"]}""")]
    public async Task DeleteAsync_ErrorStatus_IsAnError(int status, string body)
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("DELETE", "/v1/kv/tenant-1/my-key", status, body);

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.DeleteAsync("my-key", Ct));

        Assert.StartsWith($"vault: failed to delete 'tenant-1/my-key': Error making API request.\n\nURL: DELETE https://vault.test:8200/v1/kv/tenant-1/my-key\nCode: {status}. Errors:", ex.Message);
    }

    [Theory]
    [InlineData(VaultKvVersion.V1, "", "/v1/kv")]
    [InlineData(VaultKvVersion.V1, "tenant-1", "/v1/kv/tenant-1")]
    [InlineData(VaultKvVersion.V2, "", "/v1/kv/metadata")]
    [InlineData(VaultKvVersion.V2, "tenant-1", "/v1/kv/metadata/tenant-1")]
    public async Task ListAsync_UsesGetWithListTrue(VaultKvVersion version, string prefix, string path)
    {
        await using var bed = new VaultTestBed(version, prefix: prefix);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", path, 200, """{"data":{"keys":["my-key"]}}""");

        Assert.Equal(["my-key"], await store.ListAsync("", Ct));
        var call = bed.Handler.Calls[^1];
        Assert.Equal($"GET {path}?list=true", $"{call.Method} {call.Uri.PathAndQuery}");
    }

    [Fact]
    public async Task ListAsync_FiltersByPrefixSortsAndSkipsFolders()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv", 200, """{"data":{"keys":["my-b","tenant-2/","other","my-a","My-c"]}}""");

        Assert.Equal(["My-c", "my-a", "my-b", "other"], await store.ListAsync("", Ct));
        Assert.Equal(["my-a", "my-b"], await store.ListAsync("my-", Ct));
    }

    [Theory]
    [InlineData(404, """{"errors":[]}""")]
    [InlineData(404, null)]
    [InlineData(200, null)]
    public async Task ListAsync_EmptyFolder_IsAnEmptyList(int status, string? body)
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/metadata", status, body);

        Assert.Empty(await store.ListAsync("", Ct));
    }

    [Theory]
    [InlineData(404, """{"errors":["no handler for route \"kv/\". route entry not found."]}""")]
    [InlineData(404, """{"warnings":["Invalid path for a versioned K/V secrets engine."]}""")]
    [InlineData(403, """{"errors":["1 error occurred:\n\t* permission denied\n\n"]}""")]
    public async Task ListAsync_ErrorAnswer_IsAnError(int status, string body)
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv", status, body);

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.ListAsync("", Ct));

        Assert.StartsWith($"vault: failed to list 'kv': Error making API request.\n\nURL: GET https://vault.test:8200/v1/kv?list=true\nCode: {status}.", ex.Message);
    }

    [Fact]
    public async Task ListAsync_KeysNotAnArray_InvalidKeyListingFormat()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1, prefix: "tenant-1");
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/tenant-1", 200, """{"data":{"keys":"my-key"}}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.ListAsync("", Ct));

        Assert.Equal("vault: failed to list 'kv/tenant-1': invalid key listing format", ex.Message);
    }

    [Fact]
    public async Task Operations_EndpointWithPath_KeepTheirPrefix()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V1);
        bed.Options.Endpoint = new Uri("https://vault.test:8200/vault/");
        var store = await bed.ConnectAsync();

        Assert.Null(await store.GetAsync("my-key", Ct));

        Assert.Equal("/vault/v1/auth/approle/login", bed.Handler.Requests[0].Path);
        Assert.Equal("/vault/v1/kv/my-key", bed.Handler.Calls[^1].Path);
        Assert.Equal("Hashicorp Vault: https://vault.test:8200/vault", store.Description);
    }

    [Fact]
    public async Task Operations_EngineAndPrefixWithStraySlashes_AreCleaned()
    {
        await using var bed = new VaultTestBed(VaultKvVersion.V2, prefix: "/tenant-1//a/");
        bed.Options.Engine = "secret/";
        var store = await bed.ConnectAsync();

        Assert.Null(await store.GetAsync("my-key", Ct));

        Assert.Equal("/v1/secret/data/tenant-1/a/my-key", bed.Handler.Calls[^1].Path);
    }

    [Fact]
    public async Task Transcript_KvV2InNamespaceWithRootLogin_MatchesKes()
    {
        // vault-compat §11.4: KV v2, namespace ns1, prefix tenant-1, AppRole in the root namespace.
        await using var bed = new VaultTestBed(VaultKvVersion.V2, prefix: "tenant-1", @namespace: "ns1");
        bed.Options.AppRole = new VaultAppRoleOptions { Id = "r1", Secret = VaultTestBed.SecretId, Namespace = "/" };
        bed.Handler.On("PUT", "/v1/kv/data/tenant-1/my-key", 200, """{"data":{"version":1}}""");
        var store = await bed.ConnectAsync();

        Assert.True(await store.CreateAsync("my-key", "CiIK=="u8.ToArray(), Ct));
        bed.Handler.On("GET", "/v1/kv/data/tenant-1/my-key", 200, """{"data":{"data":{"my-key":"CiIK=="},"metadata":{"version":1}}}""");
        Assert.Equal("CiIK==", Encoding.UTF8.GetString((await store.GetAsync("my-key", Ct))!));
        bed.Handler.On("GET", "/v1/kv/metadata/tenant-1", 200, """{"data":{"keys":["my-key"]}}""");
        Assert.Equal(["my-key"], await store.ListAsync("", Ct));
        bed.Handler.On("DELETE", "/v1/kv/metadata/tenant-1/my-key", 204, null);
        Assert.True(await store.DeleteAsync("my-key", Ct));

        var requests = bed.Handler.Requests;
        Assert.Equal(
            [
                "PUT /v1/auth/approle/login ns= token=",
                "GET /v1/sys/health?drsecondarycode=299&performancestandbycode=299&sealedcode=299&standbycode=299&uninitcode=299 ns= token=hvs.A",
                "GET /v1/kv/data/tenant-1/my-key ns=ns1 token=hvs.A",
                "PUT /v1/kv/data/tenant-1/my-key ns=ns1 token=hvs.A",
                "GET /v1/kv/data/tenant-1/my-key?version=1 ns=ns1 token=hvs.A",
                "GET /v1/kv/metadata/tenant-1?list=true ns=ns1 token=hvs.A",
                "DELETE /v1/kv/metadata/tenant-1/my-key ns=ns1 token=hvs.A",
            ],
            requests.Select(r => $"{r.Method} {r.Uri.PathAndQuery} ns={r.Namespace} token={r.Token}"));
        Assert.Equal("""{"role_id":"r1","secret_id":"secret-id-5ecr3t-0123456789"}""", requests[0].Body);
        Assert.Equal("""{"data":{"my-key":"CiIK=="},"options":{"cas":0}}""", requests[3].Body);
    }
}

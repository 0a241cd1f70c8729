using KesGateway.Tests.Common.Vault;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>KV version 2 (§9.3, §11.2 #16): versions, cas texts, 404 with envelope, warnings, pruning, config.</summary>
public sealed class VaultDoubleKvV2Tests
{
    private const string Create = """{"data":{"my-key":"v1"},"options":{"cas":0}}""";

    [Fact]
    public async Task Write_FirstVersion_Is200WithVersionMetadata()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start.AddTicks(1234567));
        await using var vault = await StartAsync(time);
        using var http = Client(vault);

        var write = await http.PutAsync("kv/data/tenant-1/my-key", Create);

        Assert.Equal(200, write.Status);
        Assert.Equal(
            """{"created_time":"2025-01-30T09:41:53.1234567Z","custom_metadata":null,"deletion_time":"","destroyed":false,"version":1}""",
            write.Data!.ToJsonString());
    }

    [Fact]
    public async Task Write_CasMismatch_Is400WithText()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        await http.PutAsync("kv/data/tenant-1/my-key", Create);

        var again = await http.PutAsync("kv/data/tenant-1/my-key", Create);

        Assert.Equal(400, again.Status);
        Assert.Equal("""{"errors":["check-and-set parameter did not match the current version"]}""", again.Text.Trim());
    }

    [Theory]
    [InlineData("""{"data":{"a":"1"},"options":{"cas":"0"}}""", 200)]
    [InlineData("""{"data":{"a":"1"},"options":{"cas":0.0}}""", 200)]
    [InlineData("""{"data":{"a":"1"},"options":{"cas":"zero"}}""", 400)]
    [InlineData("""{"data":{"a":"1"},"options":{"cas":true}}""", 400)]
    public async Task Write_CasAsNumberOrNumericString_IsParsed(string body, int expected)
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var write = await http.PutAsync("kv/data/a", body);

        Assert.Equal(expected, write.Status);
        if (expected == 400)
        {
            Assert.Equal(["error parsing check-and-set parameter"], write.Errors);
        }
    }

    [Fact]
    public async Task Write_CasRequiredByMountOrKey_Is400WithoutCas()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.WriteKvMetadata("kv", "key-level", casRequired: true);

        var keyLevel = await http.PutAsync("kv/data/key-level", """{"data":{"a":"1"}}""");
        vault.ConfigureKv("kv", casRequired: true);
        var mountLevel = await http.PutAsync("kv/data/other", """{"data":{"a":"1"}}""");
        var withCas = await http.PutAsync("kv/data/other", """{"data":{"a":"1"},"options":{"cas":0}}""");

        Assert.Equal(["check-and-set parameter required for this call"], keyLevel.Errors);
        Assert.Equal(["check-and-set parameter required for this call"], mountLevel.Errors);
        Assert.Equal(200, withCas.Status);
    }

    [Fact]
    public async Task Write_WithoutData_Is400NoDataProvided()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var write = await http.PutAsync("kv/data/a", """{"options":{"cas":0}}""");

        Assert.Equal(["no data provided"], write.Errors);
    }

    [Fact]
    public async Task Read_VersionParameter_SelectsTheVersion()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        await http.PutAsync("kv/data/tenant-1/my-key", Create);
        vault.WriteKv("kv", "tenant-1/my-key", """{"my-key":"v2"}""");

        var v1 = await http.GetAsync("kv/data/tenant-1/my-key?version=1");
        var latest = await http.GetAsync("kv/data/tenant-1/my-key");
        var zero = await http.GetAsync("kv/data/tenant-1/my-key?version=0");
        var unknown = await http.GetAsync("kv/data/tenant-1/my-key?version=3");

        Assert.Equal("v1", v1.Data!["data"]!["my-key"]!.GetValue<string>());
        Assert.Equal("v2", latest.Data!["data"]!["my-key"]!.GetValue<string>());
        Assert.Equal(2, zero.Data!["metadata"]!["version"]!.GetValue<int>());
        Assert.Equal(404, unknown.Status);
        Assert.Equal("""{"errors":[]}""", unknown.Text.Trim());
    }

    [Fact]
    public async Task Read_SoftDeletedVersion_Is404WithEnvelope()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await StartAsync(time);
        using var http = Client(vault);
        await http.PutAsync("kv/data/tenant-1/my-key", Create);
        time.Advance(TimeSpan.FromSeconds(10));

        var delete = await http.DeleteAsync("kv/data/tenant-1/my-key");
        var read = await http.GetAsync("kv/data/tenant-1/my-key?version=1");
        var list = await http.GetAsync("kv/metadata/tenant-1?list=true");
        var recreate = await http.PutAsync("kv/data/tenant-1/my-key", Create);

        Assert.Equal(204, delete.Status);
        Assert.Equal(404, read.Status);
        Assert.Null(read.Data!["data"]);
        var metadata = read.Data!["metadata"]!;
        Assert.Equal("2025-01-30T09:42:03Z", metadata["deletion_time"]!.GetValue<string>());
        Assert.False(metadata["destroyed"]!.GetValue<bool>());
        Assert.Equal(1, metadata["version"]!.GetValue<int>());
        Assert.Equal(["my-key"], list.Keys);
        Assert.Equal(["check-and-set parameter did not match the current version"], recreate.Errors);
    }

    [Fact]
    public async Task Undelete_SoftDeletedVersion_ReadsAgain()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        await http.PutAsync("kv/data/a", Create);
        await http.PostAsync("kv/delete/a", """{"versions":[1]}""");
        var deleted = await http.GetAsync("kv/data/a");

        var undelete = await http.PostAsync("kv/undelete/a", """{"versions":[1]}""");
        var read = await http.GetAsync("kv/data/a");

        Assert.Equal(404, deleted.Status);
        Assert.Equal(204, undelete.Status);
        Assert.Equal(200, read.Status);
    }

    [Fact]
    public async Task Destroy_Version_Is404WithDestroyedEnvelopeAndCannotBeUndeleted()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        await http.PutAsync("kv/data/a", Create);

        var destroy = await http.PutAsync("kv/destroy/a", """{"versions":[1]}""");
        await http.PostAsync("kv/undelete/a", """{"versions":[1]}""");
        var read = await http.GetAsync("kv/data/a?version=1");
        var noVersions = await http.PutAsync("kv/destroy/a", "{}");

        Assert.Equal(204, destroy.Status);
        Assert.Equal(404, read.Status);
        Assert.Null(read.Data!["data"]);
        Assert.True(read.Data!["metadata"]!["destroyed"]!.GetValue<bool>());
        Assert.Equal(["no version number provided"], noVersions.Errors);
    }

    [Fact]
    public async Task DeleteMetadata_PresentOrMissing_Is204AndAllowsRecreate()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        await http.PutAsync("kv/data/a", Create);

        var present = await http.DeleteAsync("kv/metadata/a");
        var missing = await http.DeleteAsync("kv/metadata/a");
        var read = await http.GetAsync("kv/data/a");
        var recreate = await http.PutAsync("kv/data/a", Create);

        Assert.Equal(204, present.Status);
        Assert.Equal(204, missing.Status);
        Assert.Equal("""{"errors":[]}""", read.Text.Trim());
        Assert.Equal(200, recreate.Status);
    }

    [Fact]
    public async Task ReadMetadata_AfterTwoVersions_ListsThem()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        await http.PutAsync("kv/data/a", Create);
        await http.PutAsync("kv/data/a", """{"data":{"my-key":"v2"},"options":{"cas":1}}""");

        var metadata = await http.GetAsync("kv/metadata/a");
        var missing = await http.GetAsync("kv/metadata/b");

        Assert.Equal(2, metadata.Data!["current_version"]!.GetValue<int>());
        Assert.Equal("0s", metadata.Data!["delete_version_after"]!.GetValue<string>());
        Assert.Equal(["1", "2"], metadata.Data!["versions"]!.AsObject().Select(p => p.Key));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task MaxVersions_ExceededByWrites_PrunesOldest()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        var config = await http.PostAsync("kv/config", """{"max_versions":2}""");
        for (var i = 1; i <= 3; i++)
        {
            await http.PutAsync("kv/data/a", $$$"""{"data":{"my-key":"v{{{i}}}"}}""");
        }

        var v1 = await http.GetAsync("kv/data/a?version=1");
        var v2 = await http.GetAsync("kv/data/a?version=2");
        var metadata = await http.GetAsync("kv/metadata/a");
        var readConfig = await http.GetAsync("kv/config");

        Assert.Equal(204, config.Status);
        Assert.Equal("""{"errors":[]}""", v1.Text.Trim());
        Assert.Equal(200, v2.Status);
        Assert.Equal(2, metadata.Data!["oldest_version"]!.GetValue<int>());
        Assert.Equal(2, readConfig.Data!["max_versions"]!.GetValue<int>());
    }

    [Fact]
    public async Task DeleteVersionAfter_ReadsUntilTheClockPassesIt()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await StartAsync(time);
        using var http = Client(vault);
        vault.ConfigureKv("kv", deleteVersionAfter: TimeSpan.FromMinutes(1));
        await http.PutAsync("kv/data/a", Create);

        var before = await http.GetAsync("kv/data/a");
        time.Advance(TimeSpan.FromMinutes(1));
        var after = await http.GetAsync("kv/data/a");

        Assert.Equal(200, before.Status);
        Assert.Equal("2025-01-30T09:42:53Z", before.Data!["metadata"]!["deletion_time"]!.GetValue<string>());
        Assert.Equal(404, after.Status);
        Assert.Null(after.Data!["data"]);
    }

    [Theory]
    [InlineData("GET", "kv/tenant-1/my-key")]
    [InlineData("PUT", "kv/tenant-1/my-key")]
    [InlineData("DELETE", "kv/tenant-1/my-key")]
    [InlineData("GET", "kv/tenant-1?list=true")]
    [InlineData("LIST", "kv/data/tenant-1")]
    public async Task InvalidPath_Is404WithVersionedWarning(string method, string path)
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var answer = await http.SendAsync(method, path, method == "PUT" ? """{"my-key":"v"}""" : null);

        Assert.Equal(404, answer.Status);
        Assert.Null(answer.Data);
        Assert.Equal(["Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv <get|put|list|delete|patch>' for this operation."], answer.Warnings);
    }

    [Theory]
    [InlineData("GET", "kv/data")]
    [InlineData("GET", "kv/metadata")]
    [InlineData("PUT", "kv/delete")]
    [InlineData("PUT", "kv/destroy")]
    public async Task RootPath_NonListing_Is404WithRootWarning(string method, string path)
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var answer = await http.SendAsync(method, path, method == "PUT" ? """{"versions":[1]}""" : null);

        Assert.Equal(404, answer.Status);
        Assert.Equal(["Non-listing operations on the root of a K/V v2 mount are not supported."], answer.Warnings);
    }

    [Fact]
    public async Task List_MetadataRootAndFolders_ListsKeysAndFolders()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.WriteKv("kv", "tenant-1/b", """{"v":"1"}""");
        vault.WriteKv("kv", "tenant-1/a", """{"v":"1"}""");
        vault.WriteKv("kv", "tenant-2/a", """{"v":"1"}""");

        var root = await http.GetAsync("kv/metadata?list=true");
        var folder = await http.ListAsync("kv/metadata/tenant-1");
        var empty = await http.GetAsync("kv/metadata/tenant-9?list=true");

        Assert.Equal(["tenant-1/", "tenant-2/"], root.Keys);
        Assert.Equal(["a", "b"], folder.Keys);
        Assert.Equal(404, empty.Status);
        Assert.Equal("""{"errors":[]}""", empty.Text.Trim());
    }

    [Fact]
    public async Task Upgrading_EveryRequest_Is400UpgradeText()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.SetKvUpgrading("kv", true);

        var read = await http.GetAsync("kv/data/a");

        Assert.Equal(400, read.Status);
        Assert.Equal(["Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly."], read.Errors);
    }

    [Fact]
    public async Task Patch_RequiresMergePatchContentType()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        await http.PutAsync("kv/data/a", """{"data":{"x":"1","y":"2"}}""");

        var plain = await http.SendAsync("PATCH", "kv/data/a", """{"data":{"y":null,"z":"3"}}""");
        var merge = await http.SendAsync("PATCH", "kv/data/a", """{"data":{"y":null,"z":"3"}}""", contentType: "application/merge-patch+json");

        Assert.Equal(415, plain.Status);
        Assert.Equal(200, merge.Status);
        Assert.Equal("""{"x":"1","z":"3"}""", vault.ReadKv("kv", "a"));
    }

    [Fact]
    public async Task Subkeys_ListsTheShapeWithoutValues()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        await http.PutAsync("kv/data/a", """{"data":{"x":"1","nested":{"y":"2"}}}""");

        var answer = await http.GetAsync("kv/subkeys/a");

        Assert.Equal("""{"x":null,"nested":{"y":null}}""", answer.Data!["subkeys"]!.ToJsonString());
        Assert.Equal(1, answer.Data!["metadata"]!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task WriteKvMetadata_BeforeAnyVersion_ListsTheKeyAtVersionZero()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.WriteKvMetadata("kv", "tenant-1/a", maxVersions: 3);

        var list = await http.GetAsync("kv/metadata/tenant-1?list=true");
        var read = await http.GetAsync("kv/data/tenant-1/a");
        var create = await http.PutAsync("kv/data/tenant-1/a", Create);

        Assert.Equal(["a"], list.Keys);
        Assert.Equal(404, read.Status);
        Assert.Equal(200, create.Status);
        Assert.Equal(3, vault.ReadKvMetadata("kv", "tenant-1/a")!["max_versions"]!.GetValue<int>());
    }

    [Fact]
    public async Task UiMounts_ReportsTheVersionToAnyTokenWithAccess()
    {
        await using var vault = await StartAsync();
        vault.WritePolicy("kes", VaultSeedPolicies.KvV2);
        vault.WritePolicy("other", """path "secret/*" { capabilities = ["read"] }""");
        using var http = Client(vault);

        var allowed = await http.GetAsync("sys/internal/ui/mounts/kv", vault.CreateToken(["kes"]));
        var denied = await http.GetAsync("sys/internal/ui/mounts/kv", vault.CreateToken(["other"]));

        Assert.Equal("2", allowed.Data!["options"]!["version"]!.GetValue<string>());
        Assert.Equal("kv", allowed.Data!["type"]!.GetValue<string>());
        Assert.Equal(403, denied.Status);
    }

    private static async Task<VaultDouble> StartAsync(TimeProvider? time = null)
    {
        var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time ?? TimeProvider.System });
        vault.EnableKv("kv", version: 2);
        return vault;
    }

    private static VaultTestHttp Client(VaultDouble vault) => new(vault) { Token = vault.RootToken };
}

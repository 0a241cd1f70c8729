using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>KV version 1 (§9.2, §11.2 #15) and the KV version mismatch of §4.4a, with the root token.</summary>
public sealed class VaultDoubleKvV1Tests
{
    [Fact]
    public async Task Write_ThenRead_Is204Then200WithTheObjectVerbatim()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var write = await http.PutAsync("kv/tenant-1/my-key", """{"my-key":"Q2lJ","n":1.50}""");
        var read = await http.GetAsync("kv/tenant-1/my-key");

        Assert.Equal(204, write.Status);
        Assert.Empty(write.Text);
        Assert.Equal(200, read.Status);
        Assert.Equal("""{"my-key":"Q2lJ","n":1.50}""", read.Data!.ToJsonString());
        Assert.Equal(2764800, read.Json!["lease_duration"]!.GetValue<long>());
        Assert.Equal("kv", read.Json!["mount_type"]!.GetValue<string>());
        Assert.Equal("no-store", read.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task Read_Missing_Is404WithEmptyErrors()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var read = await http.GetAsync("kv/tenant-1/nope");

        Assert.Equal(404, read.Status);
        Assert.Equal("""{"errors":[]}""", read.Text.Trim());
    }

    [Fact]
    public async Task Write_ReplacesTheWholeObject()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        await http.PutAsync("kv/a", """{"x":"1","y":"2"}""");
        await http.PostAsync("kv/a", """{"z":"3"}""");

        Assert.Equal("""{"z":"3"}""", vault.ReadKv("kv", "a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    public async Task Write_NoFields_Is400MissingDataFields(string body)
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var write = await http.PutAsync("kv/a", body);

        Assert.Equal(400, write.Status);
        Assert.Equal(["missing data fields"], write.Errors);
    }

    [Fact]
    public async Task Write_BrokenJson_Is400()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var write = await http.PutAsync("kv/a", """{"a":""");

        Assert.Equal(400, write.Status);
        Assert.StartsWith("failed to parse JSON input", Assert.Single(write.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_PresentOrMissing_Is204()
    {
        await using var vault = await StartAsync();
        vault.WriteKv("kv", "a", """{"a":"1"}""");
        using var http = Client(vault);

        var present = await http.DeleteAsync("kv/a");
        var missing = await http.DeleteAsync("kv/a");

        Assert.Equal(204, present.Status);
        Assert.Equal(204, missing.Status);
        Assert.Null(vault.ReadKv("kv", "a"));
    }

    [Theory]
    [InlineData("GET", "kv/tenant-1?list=true")]
    [InlineData("GET", "kv/tenant-1/?list=true")]
    [InlineData("GET", "kv/tenant-1?list=1")]
    [InlineData("GET", "kv/tenant-1?list=True")]
    [InlineData("LIST", "kv/tenant-1")]
    [InlineData("LIST", "kv/tenant-1?list=true")]
    public async Task List_GetWithListOrListMethod_ReturnsSortedImmediateChildren(string method, string path)
    {
        await using var vault = await StartAsync();
        foreach (var key in new[] { "tenant-1/b", "tenant-1/a", "tenant-1/sub/x", "tenant-1/sub/y", "tenant-1/Z", "tenant-2/c" })
        {
            vault.WriteKv("kv", key, """{"v":"1"}""");
        }

        using var http = Client(vault);

        var list = await http.SendAsync(method, path);

        Assert.Equal(200, list.Status);
        Assert.Equal(["Z", "a", "b", "sub/"], list.Keys);
    }

    [Fact]
    public async Task List_MountRoot_ShowsTenantFolders()
    {
        await using var vault = await StartAsync();
        vault.WriteKv("kv", "tenant-1/a", """{"v":"1"}""");
        vault.WriteKv("kv", "tenant-2/a", """{"v":"1"}""");
        vault.WriteKv("kv", "top", """{"v":"1"}""");
        using var http = Client(vault);

        var list = await http.GetAsync("kv?list=true");

        Assert.Equal(["tenant-1/", "tenant-2/", "top"], list.Keys);
    }

    [Theory]
    [InlineData("kv/tenant-9?list=true")]
    [InlineData("kv/tenant-1/a?list=true")]
    [InlineData("kv?list=true")]
    public async Task List_EmptyFolderOrLeaf_Is404WithEmptyErrors(string path)
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        if (path != "kv?list=true")
        {
            vault.WriteKv("kv", "tenant-1/a", """{"v":"1"}""");
        }

        var list = await http.GetAsync(path);

        Assert.Equal(404, list.Status);
        Assert.Equal("""{"errors":[]}""", list.Text.Trim());
    }

    [Fact]
    public async Task List_UnparsableListValue_Is400()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var list = await http.GetAsync("kv/tenant-1?list=yes");

        Assert.Equal(400, list.Status);
    }

    [Fact]
    public async Task List_WithListFalse_IsARead()
    {
        await using var vault = await StartAsync();
        vault.WriteKv("kv", "tenant-1", """{"v":"1"}""");
        using var http = Client(vault);

        var read = await http.GetAsync("kv/tenant-1?list=false");

        Assert.Equal(200, read.Status);
        Assert.Equal("1", read.Data!["v"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnsupportedMethod_Is405()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var answer = await http.SendAsync("OPTIONS", "kv/a");

        Assert.Equal(405, answer.Status);
    }

    [Fact]
    public async Task V2RequestsAgainstV1Mount_StoreUnderDataPath()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var create = await http.PutAsync("kv/data/tenant-1/my-key", """{"data":{"my-key":"v"},"options":{"cas":0}}""");
        var get = await http.GetAsync("kv/data/tenant-1/my-key?version=1");
        var delete = await http.DeleteAsync("kv/metadata/tenant-1/my-key");
        var list = await http.GetAsync("kv/metadata/tenant-1?list=true");

        Assert.Equal(204, create.Status);
        Assert.Equal("v", get.Data!["data"]!["my-key"]!.GetValue<string>());
        Assert.Null(get.Data!["metadata"]);
        Assert.Equal(204, delete.Status);
        Assert.NotNull(vault.ReadKv("kv", "data/tenant-1/my-key"));
        Assert.Equal(404, list.Status);
    }

    [Fact]
    public async Task MountNotFound_WithPermission_Is404NoHandler()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);

        var answer = await http.GetAsync("secret/tenant-1/my-key");

        Assert.Equal(404, answer.Status);
        Assert.Equal(["no handler for route \"secret/tenant-1/my-key\". route entry not found."], answer.Errors);
    }

    private static async Task<VaultDouble> StartAsync()
    {
        var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv", version: 1);
        return vault;
    }

    private static VaultTestHttp Client(VaultDouble vault) => new(vault) { Token = vault.RootToken };
}

using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>The ACL engine of §9.9: globs, '+' segments, most-specific rule only, deny, create vs update, namespaces.</summary>
public sealed class VaultDoubleAclTests
{
    private const string Denied = "1 error occurred:\n\t* permission denied\n\n";

    [Theory]
    [InlineData("kv/*", "GET", "kv/a/b", 404)]
    [InlineData("kv/*", "GET", "kv?list=true", 403)]
    [InlineData("kv/a", "GET", "kv/a", 404)]
    [InlineData("kv/a", "GET", "kv/a/b", 403)]
    [InlineData("kv/a*", "GET", "kv/abc", 404)]
    [InlineData("kv/+/x", "GET", "kv/tenant/x", 404)]
    [InlineData("kv/+/x", "GET", "kv/tenant/y", 403)]
    [InlineData("kv/+/x", "GET", "kv/a/b/x", 403)]
    [InlineData("kv/+/*", "GET", "kv/a/b/c", 404)]
    [InlineData("kv/+", "GET", "kv/a", 404)]
    public async Task Pattern_MatchesLikeVault(string pattern, string method, string path, int expected)
    {
        await using var vault = await StartAsync($$"""path "{{pattern}}" { capabilities = ["read"] }""");
        using var http = Client(vault);

        var answer = await http.SendAsync(method, path);

        Assert.Equal(expected, answer.Status);
    }

    [Fact]
    public async Task MostSpecificRule_WinsWithoutUnionAcrossPatterns()
    {
        await using var vault = await StartAsync("""
            path "kv/*" { capabilities = ["create", "read", "update", "delete", "list"] }
            path "kv/tenant-1/*" { capabilities = ["read"] }
            """);
        using var http = Client(vault);

        var read = await http.GetAsync("kv/tenant-1/a");
        var delete = await http.DeleteAsync("kv/tenant-1/a");
        var elsewhere = await http.DeleteAsync("kv/tenant-2/a");

        Assert.Equal(200, read.Status);
        Assert.Equal([Denied], delete.Errors);
        Assert.Equal(204, elsewhere.Status);
    }

    [Fact]
    public async Task IdenticalPatternsInTwoPolicies_AreUnioned()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv");
        vault.WritePolicy("reader", """path "kv/*" { capabilities = ["read"] }""");
        vault.WritePolicy("deleter", """path "kv/*" { capabilities = ["delete"] }""");
        using var http = new VaultTestHttp(vault) { Token = vault.CreateToken(["reader", "deleter"]) };

        var read = await http.GetAsync("kv/a");
        var delete = await http.DeleteAsync("kv/a");

        Assert.Equal(404, read.Status);
        Assert.Equal(204, delete.Status);
    }

    [Theory]
    [InlineData("kv/+/x", "kv/*", "kv/a/x")]
    [InlineData("kv/a/*", "kv/*", "kv/a/x")]
    [InlineData("kv/a/x", "kv/a/*", "kv/a/x")]
    [InlineData("kv/a/x*", "kv/a/*", "kv/a/xy")]
    [InlineData("kv/a/+", "kv/+/+", "kv/a/x")]
    [InlineData("kv/+/x", "kv/+/*", "kv/a/x")]
    [InlineData("kv/+/x/y", "kv/+/+/y", "kv/a/x/y")]
    public async Task Priority_TheHigherPatternDecides(string higher, string lower, string path)
    {
        await using var vault = await StartAsync($$"""
            path "{{lower}}" { capabilities = ["read"] }
            path "{{higher}}" { capabilities = ["deny"] }
            """);
        using var http = Client(vault);

        var answer = await http.GetAsync(path);

        Assert.Equal([Denied], answer.Errors);
    }

    [Fact]
    public async Task Deny_InTheMatchingRule_BeatsOtherCapabilities()
    {
        await using var vault = await StartAsync("""path "kv/*" { capabilities = ["read", "deny"] }""");
        using var http = Client(vault);

        var answer = await http.GetAsync("kv/a");

        Assert.Equal([Denied], answer.Errors);
    }

    [Fact]
    public async Task SegmentWildcardWithoutSlash_AlsoCoversTheListPath()
    {
        await using var vault = await StartAsync("""path "kv/+/keys" { capabilities = ["list"] }""");
        vault.WriteKv("kv", "t1/keys/a", """{"v":"1"}""");
        using var http = Client(vault);

        var answer = await http.GetAsync("kv/t1/keys?list=true");

        Assert.Equal(["a"], answer.Keys);
    }

    [Fact]
    public async Task MountNotFound_IsCheckedAfterTheAcl()
    {
        await using var vault = await StartAsync("""path "kv/*" { capabilities = ["read"] }""");
        using var http = Client(vault);

        var denied = await http.GetAsync("secret/a");
        vault.WritePolicy("kes", """path "+/*" { capabilities = ["read"] }""");
        var allowed = await http.GetAsync("secret/a");

        Assert.Equal([Denied], denied.Errors);
        Assert.Equal(404, allowed.Status);
        Assert.Equal(["no handler for route \"secret/a\". route entry not found."], allowed.Errors);
    }

    [Fact]
    public async Task CreateVersusUpdate_FollowsTheExistenceCheck()
    {
        await using var vault = await StartAsync("""path "kv/*" { capabilities = ["update"] }""");
        vault.WriteKv("kv", "present", """{"v":"1"}""");
        using var http = Client(vault);

        var update = await http.PutAsync("kv/present", """{"v":"2"}""");
        var create = await http.PutAsync("kv/absent", """{"v":"2"}""");

        Assert.Equal(204, update.Status);
        Assert.Equal([Denied], create.Errors);
    }

    [Fact]
    public async Task HclParser_ReadsCommentsAndSkipsOtherAttributes()
    {
        await using var vault = await StartAsync("""
            # a comment
            // another
            /* block
               comment */
            path "kv/*" {
              capabilities = ["read", "list",]
              allowed_parameters = {
                "key" = []
              }
              min_wrapping_ttl = "1s"
            }
            """);
        using var http = Client(vault);

        var answer = await http.GetAsync("kv/a");

        Assert.Equal(404, answer.Status);
    }

    [Theory]
    [InlineData("""path "kv/*" { capabilities = ["reed"] }""")]
    [InlineData("""path kv { capabilities = ["read"] }""")]
    [InlineData("""path "kv/*" { capabilities = ["read"] """)]
    [InlineData("""capabilities = ["read"]""")]
    public async Task WritePolicy_InvalidHcl_Throws(string hcl)
    {
        await using var vault = await VaultDouble.StartAsync();

        Assert.Throws<FormatException>(() => vault.WritePolicy("kes", hcl));
    }

    [Fact]
    public async Task PolicyInParentNamespace_GrantsChildPathsOnlyWithThePrefix()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.CreateNamespace("ns1");
        vault.EnableKv("kv", ns: "ns1");
        vault.EnableKv("kv");
        vault.WritePolicy("plain", """path "kv/*" { capabilities = ["read"] }""");
        vault.WritePolicy("prefixed", """path "ns1/kv/*" { capabilities = ["read"] }""");
        using var http = new VaultTestHttp(vault);

        var plainInChild = await http.GetAsync("kv/a", vault.CreateToken(["plain"]), "ns1");
        var plainInRoot = await http.GetAsync("kv/a", vault.CreateToken(["plain"]));
        var prefixedInChild = await http.GetAsync("kv/a", vault.CreateToken(["prefixed"]), "ns1");
        var prefixedByPath = await http.GetAsync("ns1/kv/a", vault.CreateToken(["prefixed"]));

        Assert.Equal([Denied], plainInChild.Errors);
        Assert.Equal(404, plainInRoot.Status);
        Assert.Equal(404, prefixedInChild.Status);
        Assert.Equal(404, prefixedByPath.Status);
    }

    [Fact]
    public async Task PolicyRewrittenOrDeleted_AppliesToExistingTokens()
    {
        await using var vault = await StartAsync(VaultSeedPolicies.KvV1);
        using var http = Client(vault);
        var before = await http.GetAsync("kv/tenant-1?list=true");

        vault.WritePolicy("kes", VaultSeedPolicies.TenantKvV1("tenant-1"));
        var withoutList = await http.GetAsync("kv/tenant-1?list=true");
        var read = await http.GetAsync("kv/tenant-1/a");
        vault.DeletePolicy("kes");
        var withoutPolicy = await http.GetAsync("kv/tenant-1/a");

        Assert.Equal(200, before.Status);
        Assert.Equal([Denied], withoutList.Errors);
        Assert.Equal(200, read.Status);
        Assert.Equal([Denied], withoutPolicy.Errors);
    }

    private static async Task<VaultDouble> StartAsync(string policy)
    {
        var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv");
        vault.WriteKv("kv", "tenant-1/a", """{"v":"1"}""");
        vault.WritePolicy("kes", policy);
        return vault;
    }

    private static VaultTestHttp Client(VaultDouble vault) => new(vault) { Token = vault.CreateToken(["kes"]) };
}

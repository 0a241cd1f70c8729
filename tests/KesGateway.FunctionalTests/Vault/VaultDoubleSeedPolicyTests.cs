using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>
/// Every ✓/✗ of vault-compat.md §10 with the tutorial's exact HCL, through an AppRole login as KES does it.
/// ✗ means 403 "1 error occurred: permission denied"; a ✓ is any answer but that (the status shows what Vault does).
/// Fixture keys: "my-key" absent, "other-key" present, under prefix tenant-1.
/// </summary>
public sealed class VaultDoubleSeedPolicyTests
{
    private const string Denied = "1 error occurred:\n\t* permission denied\n\n";

    [Theory]
    [InlineData("create pre-read (absent)", "GET", "kv/tenant-1/my-key", null, 404)]
    [InlineData("create pre-read (present)", "GET", "kv/tenant-1/other-key", null, 200)]
    [InlineData("create write, key absent", "PUT", "kv/tenant-1/my-key", """{"my-key":"v"}""", 204)]
    [InlineData("create write, key present", "PUT", "kv/tenant-1/other-key", """{"other-key":"v"}""", 403)]
    [InlineData("get", "GET", "kv/tenant-1/other-key", null, 200)]
    [InlineData("delete", "DELETE", "kv/tenant-1/other-key", null, 204)]
    [InlineData("delete (absent)", "DELETE", "kv/tenant-1/my-key", null, 204)]
    [InlineData("list with GET", "GET", "kv/tenant-1?list=true", null, 200)]
    [InlineData("list with LIST", "LIST", "kv/tenant-1", null, 200)]
    [InlineData("list without prefix", "GET", "kv?list=true", null, 200)]
    [InlineData("transit encrypt", "POST", "transit/encrypt/kes-key", """{"plaintext":"AA=="}""", 403)]
    [InlineData("transit decrypt", "POST", "transit/decrypt/kes-key", """{"ciphertext":"vault:v1:AA=="}""", 403)]
    [InlineData("renewal", "PUT", "auth/token/renew-self", """{"increment":0}""", 200)]
    public async Task KvV1SeedPolicy_KesStep_MatchesTable(string step, string method, string path, string? body, int expected)
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = await LoginAsync(vault, 1, VaultSeedPolicies.KvV1);
        vault.WriteKv("kv", "tenant-1/other-key", """{"other-key":"old"}""");

        var answer = await http.SendAsync(method, path, body);

        AssertRow(step, expected, answer);
    }

    [Fact]
    public async Task KvV1SeedPolicy_RenewalWithoutDefaultPolicy_IsDenied()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = await LoginAsync(vault, 1, VaultSeedPolicies.KvV1, noDefaultPolicy: true);

        var answer = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");

        AssertRow("renewal without default", 403, answer);
    }

    [Fact]
    public async Task KvV1SeedPolicy_OnKvV2Mount_CoversDataAndMetadataToo()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = await LoginAsync(vault, 2, VaultSeedPolicies.KvV1);

        var create = await http.PutAsync("kv/data/tenant-1/my-key", """{"data":{"my-key":"v"},"options":{"cas":0}}""");
        var list = await http.GetAsync("kv/metadata/tenant-1?list=true");
        var overwrite = await http.PutAsync("kv/data/tenant-1/my-key", """{"data":{"my-key":"w"},"options":{"cas":1}}""");
        var delete = await http.DeleteAsync("kv/metadata/tenant-1/my-key");

        Assert.Equal(200, create.Status);
        Assert.Equal(["my-key"], list.Keys);
        AssertRow("overwrite", 403, overwrite);
        Assert.Equal(204, delete.Status);
    }

    [Theory]
    [InlineData("create pre-read (absent)", "GET", "kv/data/tenant-1/my-key", null, 404)]
    [InlineData("create write, no metadata yet", "PUT", "kv/data/tenant-1/my-key", """{"data":{"my-key":"v"},"options":{"cas":0}}""", 200)]
    [InlineData("create write, metadata exists", "PUT", "kv/data/tenant-1/other-key", """{"data":{"other-key":"v"},"options":{"cas":0}}""", 403)]
    [InlineData("get", "GET", "kv/data/tenant-1/other-key?version=1", null, 200)]
    [InlineData("delete", "DELETE", "kv/metadata/tenant-1/other-key", null, 204)]
    [InlineData("list", "GET", "kv/metadata/tenant-1?list=true", null, 200)]
    [InlineData("soft delete", "DELETE", "kv/data/tenant-1/other-key", null, 403)]
    [InlineData("read metadata", "GET", "kv/metadata/tenant-1/other-key", null, 403)]
    [InlineData("destroy", "PUT", "kv/destroy/tenant-1/other-key", """{"versions":[1]}""", 403)]
    [InlineData("undelete", "PUT", "kv/undelete/tenant-1/other-key", """{"versions":[1]}""", 403)]
    [InlineData("delete versions", "PUT", "kv/delete/tenant-1/other-key", """{"versions":[1]}""", 403)]
    [InlineData("list via data", "GET", "kv/data/tenant-1?list=true", null, 403)]
    [InlineData("renewal", "PUT", "auth/token/renew-self", """{"increment":0}""", 200)]
    public async Task KvV2SeedPolicy_KesStep_MatchesTable(string step, string method, string path, string? body, int expected)
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = await LoginAsync(vault, 2, VaultSeedPolicies.KvV2);
        vault.WriteKv("kv", "tenant-1/other-key", """{"other-key":"old"}""");

        var answer = await http.SendAsync(method, path, body);

        AssertRow(step, expected, answer);
    }

    [Fact]
    public async Task KvV2SeedPolicy_RecreateSoftDeletedKey_IsDeniedBeforeCasIsChecked()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = await LoginAsync(vault, 2, VaultSeedPolicies.KvV2);
        vault.WriteKv("kv", "tenant-1/my-key", """{"my-key":"old"}""");
        vault.SoftDeleteKv("kv", "tenant-1/my-key");
        var body = """{"data":{"my-key":"v"},"options":{"cas":0}}""";

        var withSeedPolicy = await http.PutAsync("kv/data/tenant-1/my-key", body);
        var withUpdateGrant = await http.PutAsync("kv/data/tenant-1/my-key", body, token: vault.RootToken);

        AssertRow("re-create under seed policy", 403, withSeedPolicy);
        Assert.Equal(400, withUpdateGrant.Status);
        Assert.Equal(["check-and-set parameter did not match the current version"], withUpdateGrant.Errors);
    }

    [Theory]
    [InlineData("create pre-read", "GET", "kv/tenant-1/my-key", null, 404)]
    [InlineData("create write", "PUT", "kv/tenant-1/my-key", """{"my-key":"v"}""", 204)]
    [InlineData("overwrite", "PUT", "kv/tenant-1/other-key", """{"other-key":"v"}""", 403)]
    [InlineData("get", "GET", "kv/tenant-1/other-key", null, 200)]
    [InlineData("delete", "DELETE", "kv/tenant-1/other-key", null, 204)]
    [InlineData("list", "GET", "kv/tenant-1?list=true", null, 403)]
    [InlineData("list with LIST", "LIST", "kv/tenant-1", null, 403)]
    [InlineData("wrong prefix get", "GET", "kv/tenant-2/other-key", null, 403)]
    [InlineData("wrong prefix create", "PUT", "kv/tenant-2/my-key", """{"my-key":"v"}""", 403)]
    [InlineData("wrong prefix delete", "DELETE", "kv/tenant-2/other-key", null, 403)]
    [InlineData("empty prefix get", "GET", "kv/other-key", null, 403)]
    [InlineData("empty prefix create", "PUT", "kv/my-key", """{"my-key":"v"}""", 403)]
    [InlineData("empty prefix list", "GET", "kv?list=true", null, 403)]
    public async Task TenantKvV1SeedPolicy_KesStep_MatchesTable(string step, string method, string path, string? body, int expected)
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = await LoginAsync(vault, 1, VaultSeedPolicies.TenantKvV1("tenant-1"));
        vault.WriteKv("kv", "tenant-1/other-key", """{"other-key":"old"}""");
        vault.WriteKv("kv", "tenant-2/other-key", """{"other-key":"old"}""");
        vault.WriteKv("kv", "other-key", """{"other-key":"old"}""");

        var answer = await http.SendAsync(method, path, body);

        AssertRow(step, expected, answer);
    }

    [Theory]
    [InlineData("create", "PUT", "kv/data/tenant-1/my-key", """{"data":{"my-key":"v"},"options":{"cas":0}}""", 200)]
    [InlineData("get", "GET", "kv/data/tenant-1/other-key?version=1", null, 200)]
    [InlineData("list", "GET", "kv/metadata/tenant-1?list=true", null, 200)]
    [InlineData("delete", "DELETE", "kv/metadata/tenant-1/other-key", null, 204)]
    [InlineData("other tenant get", "GET", "kv/data/tenant-2/other-key?version=1", null, 403)]
    [InlineData("other tenant list", "GET", "kv/metadata/tenant-2?list=true", null, 403)]
    [InlineData("mount root list", "GET", "kv/metadata?list=true", null, 403)]
    public async Task TenantKvV2SeedPolicy_KesStep_MatchesTable(string step, string method, string path, string? body, int expected)
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = await LoginAsync(vault, 2, VaultSeedPolicies.TenantKvV2("tenant-1"));
        vault.WriteKv("kv", "tenant-1/other-key", """{"other-key":"old"}""");
        vault.WriteKv("kv", "tenant-2/other-key", """{"other-key":"old"}""");

        var answer = await http.SendAsync(method, path, body);

        AssertRow(step, expected, answer);
    }

    private static async Task<VaultTestHttp> LoginAsync(VaultDouble vault, int kvVersion, string policy, bool noDefaultPolicy = false)
    {
        var (roleId, secretId) = VaultTutorial.Setup(vault, kvVersion, policy);
        if (noDefaultPolicy)
        {
            vault.WriteAppRole("kes-server", tokenNoDefaultPolicy: true);
        }

        var http = new VaultTestHttp(vault);
        http.Token = await http.LoginAsync(roleId, secretId);
        return http;
    }

    private static void AssertRow(string step, int expected, VaultAnswer answer)
    {
        Assert.True(expected == answer.Status, $"{step}: expected {expected}, got {answer}");
        if (expected == 403)
        {
            Assert.Equal([Denied], answer.Errors);
        }
    }
}

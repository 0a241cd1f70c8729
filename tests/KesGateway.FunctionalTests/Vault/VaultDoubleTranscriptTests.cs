using KesGateway.Tests.Common.Vault;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>
/// The reference transcript of vault-compat.md §11.4 (KV v2, namespace ns1, prefix tenant-1, AppRole in root).
/// Decision: the token lives in the root namespace, so its policy (written in root) names the child paths
/// "ns1/kv/…" (§5.3, §9.9); renew-self goes to ns1 like every keystore call, so the policy also grants
/// "ns1/auth/token/renew-self" — the root default policy covers only the root's own "auth/token/renew-self".
/// </summary>
public sealed class VaultDoubleTranscriptTests
{
    private const string RootPolicy = """
        path "ns1/kv/data/tenant-1/*" {
          capabilities = ["create", "read"]
        }
        path "ns1/kv/metadata/tenant-1/*" {
          capabilities = ["list", "delete"]
        }
        path "ns1/auth/token/renew-self" {
          capabilities = ["update"]
        }
        """;

    private const string Value = "CiIKIHt2ZXJzaW9uIjoxfQ==";

    [Fact]
    public async Task Transcript_KvV2InNamespaceWithAppRoleInRoot_AnswersEachStepAsSpecified()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time });
        vault.CreateNamespace("ns1");
        vault.EnableKv("kv", version: 2, ns: "ns1");
        vault.WritePolicy("kes", RootPolicy);
        vault.EnableAppRole();
        vault.WriteAppRole("kes", policies: ["kes"], tokenTtl: TimeSpan.FromHours(1), tokenMaxTtl: TimeSpan.FromHours(2));
        vault.SetRoleId("kes", "r1");
        vault.AddSecretId("kes", "s1");
        using var http = new VaultTestHttp(vault);

        // PUT /v1/auth/approle/login — no namespace (approle.namespace "/"), no token.
        var login = await http.PutAsync("auth/approle/login", """{"role_id":"r1","secret_id":"s1"}""");
        Assert.Equal(200, login.Status);
        var auth = login.Json!["auth"]!;
        var token = auth["client_token"]!.GetValue<string>();
        Assert.StartsWith("hvs.", token, StringComparison.Ordinal);
        Assert.Equal(3600, auth["lease_duration"]!.GetValue<long>());
        Assert.True(auth["renewable"]!.GetValue<bool>());
        Assert.Equal(["default", "kes"], auth["policies"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("service", auth["token_type"]!.GetValue<string>());
        Assert.Equal("kes", auth["metadata"]!["role_name"]!.GetValue<string>());

        // GET sys/health with the SDK's query, token but no namespace.
        var health = await http.GetAsync("sys/health?drsecondarycode=299&performancestandbycode=299&sealedcode=299&standbycode=299&uninitcode=299", token: token);
        Assert.Equal(200, health.Status);
        Assert.True(health.Json!["initialized"]!.GetValue<bool>());
        Assert.False(health.Json!["sealed"]!.GetValue<bool>());

        http.Token = token;
        http.Namespace = "ns1";
        var preRead = await http.GetAsync("kv/data/tenant-1/my-key");
        Assert.Equal(404, preRead.Status);
        Assert.Equal("""{"errors":[]}""", preRead.Text.Trim());

        var create = await http.PutAsync("kv/data/tenant-1/my-key", $$$"""{"data":{"my-key":"{{{Value}}}"},"options":{"cas":0}}""");
        Assert.Equal(200, create.Status);
        Assert.Equal(1, create.Data!["version"]!.GetValue<int>());
        Assert.Equal(string.Empty, create.Data!["deletion_time"]!.GetValue<string>());
        Assert.False(create.Data!["destroyed"]!.GetValue<bool>());
        Assert.Equal("2025-01-30T09:41:53Z", create.Data!["created_time"]!.GetValue<string>());

        var get = await http.GetAsync("kv/data/tenant-1/my-key?version=1");
        Assert.Equal(200, get.Status);
        Assert.Equal(Value, get.Data!["data"]!["my-key"]!.GetValue<string>());
        Assert.Equal(1, get.Data!["metadata"]!["version"]!.GetValue<int>());

        var list = await http.GetAsync("kv/metadata/tenant-1?list=true");
        Assert.Equal(200, list.Status);
        Assert.Equal(["my-key"], list.Keys);

        var delete = await http.DeleteAsync("kv/metadata/tenant-1/my-key");
        Assert.Equal(204, delete.Status);
        Assert.Empty(delete.Text);

        // … at 2880 s: renew-self, sent with the keystore namespace.
        time.Advance(TimeSpan.FromSeconds(2880));
        var renew = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");
        Assert.Equal(200, renew.Status);
        Assert.Equal(token, renew.Json!["auth"]!["client_token"]!.GetValue<string>());
        Assert.Equal(3600, renew.Json!["auth"]!["lease_duration"]!.GetValue<long>());
        Assert.Equal(TimeSpan.FromSeconds(3600), vault.LookupToken(token)!.Ttl);

        var journal = vault.Journal.Entries;
        Assert.Equal(8, journal.Count);
        Assert.Null(journal[0].Token);
        Assert.Null(journal[0].Namespace);
        Assert.Equal("true", journal[0].VaultRequest);
        Assert.Null(journal[1].Namespace);
        Assert.Equal(token, journal[1].Token);
        Assert.All(journal.Skip(2), r => Assert.Equal("ns1", r.Namespace));
        Assert.Equal(["PUT", "GET", "GET", "PUT", "GET", "GET", "DELETE", "PUT"], journal.Select(r => r.Method));
        Assert.Equal("/v1/kv/metadata/tenant-1?list=true", journal[5].Target);
        Assert.Equal(VaultTutorial.Start, journal[0].ReceivedAt);
        Assert.Equal(VaultTutorial.Start.AddSeconds(2880), journal[7].ReceivedAt);
    }

    [Fact]
    public async Task RenewSelf_InChildNamespaceWithOnlyTheRootDefaultPolicy_IsDenied()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.CreateNamespace("ns1");
        vault.EnableAppRole();
        vault.WriteAppRole("kes", policies: ["kes"]);
        using var http = new VaultTestHttp(vault);
        var token = await http.LoginAsync(vault.ReadRoleId("kes"), vault.GenerateSecretId("kes"));

        var inChild = await http.PutAsync("auth/token/renew-self", """{"increment":0}""", token, "ns1");
        var inRoot = await http.PutAsync("auth/token/renew-self", """{"increment":0}""", token);

        Assert.Equal(403, inChild.Status);
        Assert.Equal(["1 error occurred:\n\t* permission denied\n\n"], inChild.Errors);
        Assert.Equal(200, inRoot.Status);
    }

    [Fact]
    public async Task Tutorial_NamespaceTenantWithAppRoleInsideTheNamespace_UsesPlainPaths()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.CreateNamespace("tenant-ns");
        var (roleId, secretId) = VaultTutorial.Setup(vault, 2, VaultSeedPolicies.KvV2, "tenant-ns");
        using var http = new VaultTestHttp(vault) { Namespace = "tenant-ns" };

        http.Token = await http.LoginAsync(roleId, secretId);
        var create = await http.PutAsync("kv/data/my-key", """{"data":{"my-key":"v"},"options":{"cas":0}}""");
        var renew = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");
        var inRoot = await http.GetAsync("kv/data/my-key", ns: string.Empty);
        var login = await http.PutAsync("auth/approle/login", $$"""{"role_id":"{{roleId}}","secret_id":"{{secretId}}"}""", token: string.Empty, ns: string.Empty);

        Assert.Equal(200, create.Status);
        Assert.Equal(200, renew.Status);
        Assert.Equal(300, renew.Json!["auth"]!["lease_duration"]!.GetValue<long>());
        Assert.Equal(403, inRoot.Status);
        Assert.Equal(["2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"], inRoot.Errors);
        Assert.Equal(403, login.Status); // no approle mount in root: not a login path, so a token is required
        Assert.Equal(["permission denied"], login.Errors);
        Assert.Equal("tenant-ns/", vault.LookupToken(http.Token)!.Namespace);
        Assert.Equal("""{"my-key":"v"}""", vault.ReadKv("kv", "my-key", "tenant-ns"));
    }

    [Fact]
    public async Task Namespace_GivenAsPathPrefix_CombinesWithTheHeader()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.CreateNamespace("ns1");
        vault.CreateNamespace("ns1/child");
        vault.EnableKv("kv", version: 1, ns: "ns1/child");
        vault.WriteKv("kv", "a", """{"a":"1"}""", "ns1/child");
        using var http = new VaultTestHttp(vault) { Token = vault.RootToken };

        var byHeader = await http.GetAsync("kv/a", ns: "ns1/child");
        var byPath = await http.GetAsync("ns1/child/kv/a");
        var byBoth = await http.GetAsync("child/kv/a", ns: "ns1");
        var unknown = await http.GetAsync("kv/a", ns: "ns2");

        Assert.All([byHeader, byPath, byBoth], a => Assert.Equal("1", a.Data!["a"]!.GetValue<string>()));
        Assert.Equal(404, unknown.Status);
        Assert.Equal(["namespace not found"], unknown.Errors);
    }
}

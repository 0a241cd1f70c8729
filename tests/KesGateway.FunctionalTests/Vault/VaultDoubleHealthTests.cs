using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>sys/health (§9.4, §11.2 #9–#10): every *code parameter, the precedence, the namespace 404 and the sealed 503s.</summary>
public sealed class VaultDoubleHealthTests
{
    private const string KesQuery = "sys/health?drsecondarycode=299&performancestandbycode=299&sealedcode=299&standbycode=299&uninitcode=299";

    [Fact]
    public async Task Health_Active_Is200WithClusterFields()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = new VaultTestHttp(vault);

        var answer = await http.GetAsync("sys/health");

        Assert.Equal(200, answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        var body = answer.Json!;
        Assert.True(body["initialized"]!.GetValue<bool>());
        Assert.False(body["sealed"]!.GetValue<bool>());
        Assert.False(body["standby"]!.GetValue<bool>());
        Assert.Equal("disabled", body["replication_dr_mode"]!.GetValue<string>());
        Assert.Equal("1.15.6", body["version"]!.GetValue<string>());
        Assert.StartsWith("vault-cluster-", body["cluster_name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(body["cluster_id"]);
    }

    [Fact]
    public async Task Health_SealedWithKesQuery_Is299WithoutClusterFields()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = new VaultTestHttp(vault);
        vault.Seal();

        var answer = await http.GetAsync(KesQuery);

        Assert.Equal(299, answer.Status);
        Assert.True(answer.Json!["sealed"]!.GetValue<bool>());
        Assert.True(answer.Json!["standby"]!.GetValue<bool>());
        Assert.Null(answer.Json!["cluster_name"]);
        Assert.Null(answer.Json!["cluster_id"]);
    }

    [Fact]
    public async Task Health_SealedWithoutQuery_Is503()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = new VaultTestHttp(vault);
        vault.Seal();

        var answer = await http.GetAsync("sys/health");

        Assert.Equal(503, answer.Status);
        Assert.True(answer.Json!["sealed"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("active", "", 200)]
    [InlineData("active", "?activecode=204", 204)]
    [InlineData("standby", "", 429)]
    [InlineData("standby", "?standbycode=299", 299)]
    [InlineData("standby", "?standbyok=true", 200)]
    [InlineData("standby", "?standbyok=true&activecode=218", 218)]
    [InlineData("perfstandby", "", 473)]
    [InlineData("perfstandby", "?performancestandbycode=299", 299)]
    [InlineData("perfstandby", "?perfstandbyok=t", 200)]
    [InlineData("drsecondary", "", 472)]
    [InlineData("drsecondary", "?drsecondarycode=299", 299)]
    [InlineData("haunhealthy", "", 474)]
    [InlineData("haunhealthy", "?haunhealthycode=299", 299)]
    [InlineData("removed", "", 530)]
    [InlineData("removed", "?removedcode=299", 299)]
    [InlineData("sealed", "", 503)]
    [InlineData("sealed", "?sealedcode=299", 299)]
    [InlineData("uninit", "", 501)]
    [InlineData("uninit", "?uninitcode=299", 299)]
    [InlineData("uninit+sealed", "?sealedcode=299", 501)]
    [InlineData("removed+sealed", "?sealedcode=299", 530)]
    [InlineData("sealed+standby", "?standbycode=299", 503)]
    [InlineData("sealed+haunhealthy", "", 503)]
    [InlineData("haunhealthy+drsecondary", "", 474)]
    [InlineData("drsecondary+perfstandby", "", 472)]
    [InlineData("perfstandby+standby", "", 473)]
    [InlineData("standby", "?standbycode=abc", 400)]
    [InlineData("standby", "?standbyok=maybe", 400)]
    [InlineData("active", "?drsecondarycode=299&haunhealthycode=299&performancestandbycode=299&removedcode=299&sealedcode=299&standbycode=299&uninitcode=299", 200)]
    public async Task Health_StateAndQuery_FollowsCodesAndPrecedence(string state, string query, int expected)
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = new VaultTestHttp(vault);
        foreach (var flag in state.Split('+'))
        {
            switch (flag)
            {
                case "standby": vault.Standby = true; break;
                case "perfstandby": vault.PerformanceStandby = true; break;
                case "drsecondary": vault.DrSecondary = true; break;
                case "haunhealthy": vault.HaUnhealthy = true; break;
                case "removed": vault.RemovedFromCluster = true; break;
                case "sealed": vault.Seal(); break;
                case "uninit": vault.Initialized = false; break;
            }
        }

        var answer = await http.GetAsync("sys/health" + query);

        Assert.Equal(expected, answer.Status);
        if (expected == 400)
        {
            Assert.Equal("""{"errors":[]}""", answer.Text.Trim());
        }
    }

    [Fact]
    public async Task Health_Head_AnswersStatusWithoutBody()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = new VaultTestHttp(vault);
        vault.Standby = true;

        var answer = await http.SendAsync("HEAD", "sys/health");

        Assert.Equal(429, answer.Status);
        Assert.Empty(answer.Text);
    }

    [Fact]
    public async Task Health_WithNamespaceHeader_Is404UnsupportedPath()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.CreateNamespace("ns1");
        using var http = new VaultTestHttp(vault);

        var header = await http.GetAsync(KesQuery, ns: "ns1");
        var unknown = await http.GetAsync(KesQuery, ns: "nope");
        var prefix = await http.GetAsync("ns1/" + KesQuery);

        Assert.All([header, unknown, prefix], a => Assert.Equal(404, a.Status));
        Assert.Equal(["unsupported path"], header.Errors);
        Assert.Equal(["unsupported path"], prefix.Errors);
    }

    [Fact]
    public async Task Health_WithNamespaceHeaderAndToggleOff_IsAnswered()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { RejectNamespaceOnHealth = false });
        vault.CreateNamespace("ns1");
        using var http = new VaultTestHttp(vault);

        var answer = await http.GetAsync(KesQuery, ns: "ns1");

        Assert.Equal(200, answer.Status);
    }

    [Theory]
    [InlineData("PUT", "auth/approle/login", """{"role_id":"r","secret_id":"s"}""")]
    [InlineData("GET", "kv/tenant-1/my-key", null)]
    [InlineData("PUT", "kv/tenant-1/my-key", """{"my-key":"v"}""")]
    [InlineData("GET", "kv/tenant-1?list=true", null)]
    [InlineData("PUT", "auth/token/renew-self", """{"increment":0}""")]
    [InlineData("POST", "transit/encrypt/kes-key", """{"plaintext":"AA=="}""")]
    [InlineData("GET", "no/such/mount", null)]
    public async Task Sealed_EveryOtherEndpoint_Is503VaultIsSealed(string method, string path, string? body)
    {
        await using var vault = await VaultDouble.StartAsync();
        VaultTutorial.Setup(vault, 1, VaultSeedPolicies.KvV1);
        vault.EnableTransit();
        using var http = new VaultTestHttp(vault) { Token = vault.RootToken };
        vault.Seal();

        var sealedAnswer = await http.SendAsync(method, path, body);
        var uninitialized = await Unsealed(vault, http, method, path, body);

        Assert.Equal(503, sealedAnswer.Status);
        Assert.Equal(["Vault is sealed"], sealedAnswer.Errors);
        Assert.Equal(503, uninitialized.Status);
    }

    [Fact]
    public async Task Unseal_AfterSeal_ServesAgainWithStateKept()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv");
        vault.WriteKv("kv", "a", """{"a":"1"}""");
        using var http = new VaultTestHttp(vault) { Token = vault.RootToken };
        vault.Seal();
        var whileSealed = await http.GetAsync("kv/a");

        vault.Unseal();
        var afterwards = await http.GetAsync("kv/a");

        Assert.Equal(503, whileSealed.Status);
        Assert.Equal(200, afterwards.Status);
        Assert.False(vault.Sealed);
    }

    [Fact]
    public async Task SealStatus_WhileSealed_IsAnswered()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = new VaultTestHttp(vault);
        vault.Seal();

        var answer = await http.GetAsync("sys/seal-status");

        Assert.Equal(200, answer.Status);
        Assert.True(answer.Json!["sealed"]!.GetValue<bool>());
    }

    private static async Task<VaultAnswer> Unsealed(VaultDouble vault, VaultTestHttp http, string method, string path, string? body)
    {
        vault.Unseal();
        vault.Initialized = false;
        return await http.SendAsync(method, path, body);
    }
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>The tutorial's advanced set-ups and Vault's bad days, served in process over real TLS.</summary>
public sealed class VaultScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-vault-").FullName;
    private readonly X509Certificate2 _admin = TestCertificates.CreateClient("CN=admin");

    public void Dispose()
    {
        _admin.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Prefix_TenantPolicy_KeysLiveUnderThePrefix_ListIsRefusedByDesign()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        vault.EnableKv("kv", 1);
        vault.WritePolicy("tenant-1", "path \"kv/tenant-1/*\" {\n   capabilities = [ \"create\", \"read\", \"delete\" ]\n}");
        var config = Config(vault, AppRole(vault, "tenant-1")) with { };
        config = config with { KeyStore = ((VaultKeyStoreConfig)config.KeyStore!) with { Prefix = "tenant-1" } };
        await using var server = await TestServer.StartAsync(config);
        using var http = server.CreateClient(_admin);

        using var create = await http.PostJsonAsync("/v1/key/create/k1", null);
        using var generate = await http.PostJsonAsync("/v1/key/generate/k1", null);
        using var list = await http.GetPathAsync("/v1/key/list/*");

        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Equal(HttpStatusCode.OK, generate.StatusCode);
        Assert.NotNull(vault.ReadKv("kv", "tenant-1/k1"));
        Assert.Equal((HttpStatusCode.BadGateway, "{\"message\":\"failed to list keys\"\n}"), (list.StatusCode, await list.BodyAsync()));
    }

    [Fact]
    public async Task Namespace_KvCallsCarryIt_HealthNever()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        vault.CreateNamespace("ns1");
        vault.EnableKv("kv", 2, ns: "ns1");
        vault.WritePolicy("kes", "path \"kv/data/*\" { capabilities = [\"create\",\"read\"] }\npath \"kv/metadata/*\" { capabilities = [\"list\",\"delete\"] }", ns: "ns1");
        vault.EnableAppRole(ns: "ns1");
        vault.WriteAppRole("kes-server", policies: ["kes"], ns: "ns1");
        var approle = new VaultAppRoleConfig { Id = vault.ReadRoleId("kes-server", ns: "ns1"), Secret = vault.GenerateSecretId("kes-server", ns: "ns1") };
        var config = Config(vault, approle);
        config = config with { KeyStore = ((VaultKeyStoreConfig)config.KeyStore!) with { Version = "v2", Namespace = "ns1" } };
        await using var server = await TestServer.StartAsync(config);
        using var http = server.CreateClient(_admin);

        using var create = await http.PostJsonAsync("/v1/key/create/k1", null);
        var list = await (await http.GetPathAsync("/v1/key/list/*")).JsonAsync();
        using var status = await http.GetPathAsync("/v1/status");

        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Equal(["k1"], list.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.NotNull(vault.ReadKvObject("kv", "k1", ns: "ns1", version: 1));
        Assert.All(vault.Journal.Entries.Where(r => r.VaultPath.StartsWith("kv/", StringComparison.Ordinal)), r => Assert.Equal("ns1", r.Namespace));
        Assert.All(vault.Journal.Entries.Where(r => r.VaultPath.StartsWith("sys/health", StringComparison.Ordinal)), r => Assert.Null(r.Namespace));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task Transit_StoredValuesAreVaultCiphertexts_AndStillServe()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        vault.EnableKv("kv", 1);
        vault.EnableTransit();
        vault.CreateTransitKey("kes-key");
        vault.WritePolicy("kes", """
            path "kv/*" { capabilities = ["create","read","delete","list"] }
            path "transit/encrypt/kes-key" { capabilities = ["update"] }
            path "transit/decrypt/kes-key" { capabilities = ["update"] }
            """);
        var config = Config(vault, AppRole(vault, "kes"));
        config = config with { KeyStore = ((VaultKeyStoreConfig)config.KeyStore!) with { Transit = new VaultTransitConfig { Key = "kes-key" } } };
        await using var server = await TestServer.StartAsync(config);
        using var http = server.CreateClient(_admin);

        (await http.PostJsonAsync("/v1/key/create/k1", null)).Dispose();
        var dek = await (await http.PostJsonAsync("/v1/key/generate/k1", null)).JsonAsync();
        var opened = await (await http.PostJsonAsync("/v1/key/decrypt/k1", new { ciphertext = dek.GetProperty("ciphertext").GetString() })).JsonAsync();

        Assert.StartsWith("vault:v1:", vault.ReadKvObject("kv", "k1")!["k1"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(dek.GetProperty("plaintext").GetString(), opened.GetProperty("plaintext").GetString());
    }

    [Fact]
    public async Task Kubernetes_JwtFromAFile_LogsInAndServes()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        ProvisionKvV1(vault);
        vault.EnableKubernetes();
        vault.WriteKubernetesRole("kes", ["kes-sa"], ["minio"], policies: ["kes"]);
        vault.AddKubernetesJwt("header.payload.signature", "kes-sa", "minio");
        var jwtFile = Path.Combine(_dir, "token");
        await File.WriteAllTextAsync(jwtFile, "header.payload.signature", TestContext.Current.CancellationToken);
        var config = Config(vault, approle: null) with { };
        config = config with
        {
            KeyStore = ((VaultKeyStoreConfig)config.KeyStore!) with { AppRole = null, Kubernetes = new VaultKubernetesConfig { Role = "kes", JwtFile = jwtFile } },
        };
        await using var server = await TestServer.StartAsync(config);
        using var http = server.CreateClient(_admin);

        using var create = await http.PostJsonAsync("/v1/key/create/k1", null);

        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Contains(vault.Journal.Entries, r => r.VaultPath == "auth/kubernetes/login" && r.Body.Contains("header.payload.signature", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sealed_ReadyIs504_UncachedKeysAre502_CachedKeysServe_ThenRecovery()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        ProvisionKvV1(vault);
        await using var server = await TestServer.StartAsync(Config(vault, AppRole(vault, "kes")), cacheStatusInterval: TimeSpan.FromMilliseconds(200));
        using var http = server.CreateClient(_admin);
        (await http.PostJsonAsync("/v1/key/create/cached", null)).Dispose();
        (await http.PostJsonAsync("/v1/key/create/uncached", null)).Dispose();
        (await http.PostJsonAsync("/v1/key/generate/cached", null)).Dispose();
        using var errors = new StreamReader(await (await server.CreateClient(_admin).SendAsync(
            new HttpRequestMessage(HttpMethod.Get, "/v1/log/error"), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken))
            .Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));

        vault.Seal();
        using var ready = await http.GetPathAsync("/v1/ready");
        var status = await (await http.GetPathAsync("/v1/status")).JsonAsync();
        using var uncached = await http.PostJsonAsync("/v1/key/generate/uncached", null);
        using var cached = await http.PostJsonAsync("/v1/key/generate/cached", null);
        vault.Unseal();
        await ReadUntilAsync(errors, "is online again");
        using var readyAgain = await http.GetPathAsync("/v1/ready");
        using var after = await http.PostJsonAsync("/v1/key/generate/uncached", null);

        Assert.Equal((HttpStatusCode.GatewayTimeout, "{\"message\":\"key store is not reachable\"\n}"), (ready.StatusCode, await ready.BodyAsync()));
        Assert.True(status.GetProperty("keystore_unreachable").GetBoolean());
        Assert.Equal((HttpStatusCode.BadGateway, "{\"message\":\"failed to read key\"\n}"), (uncached.StatusCode, await uncached.BodyAsync()));
        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readyAgain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task HotPath_ManyRequests_OneVaultReadPerKey()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        ProvisionKvV1(vault);
        await using var server = await TestServer.StartAsync(Config(vault, AppRole(vault, "kes")));
        using var http = server.CreateClient(_admin);
        (await http.PostJsonAsync("/v1/key/create/k1", null)).Dispose();
        var readsBefore = vault.Journal.ForPath("kv/k1").Count(r => r.Method == "GET");

        await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await http.PostJsonAsync("/v1/key/generate/k1", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }));

        Assert.Equal(readsBefore + 1, vault.Journal.ForPath("kv/k1").Count(r => r.Method == "GET"));
        var metrics = await (await http.GetPathAsync("/v1/metrics")).BodyAsync();
        Assert.Contains("kesgw_cache_loads_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("kesgw_cache_hits_total", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutageShorterThanTheOfflineBudget_UnderTraffic_NoCachedRequestFails()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        ProvisionKvV1(vault);
        var config = Config(vault, AppRole(vault, "kes")) with { Cache = new CacheConfig { Offline = TimeSpan.FromHours(1) } };
        await using var server = await TestServer.StartAsync(config, cacheStatusInterval: TimeSpan.FromMilliseconds(200));
        using var http = server.CreateClient(_admin);
        (await http.PostJsonAsync("/v1/key/create/minio-default", null)).Dispose();
        var first = await (await http.PostJsonAsync("/v1/key/generate/minio-default", null)).JsonAsync();
        var ciphertext = first.GetProperty("ciphertext").GetString();

        var failures = 0;
        async Task TrafficAsync(int requests)
        {
            for (var i = 0; i < requests; i++)
            {
                using var generate = await http.PostJsonAsync("/v1/key/generate/minio-default", new { context = "e30=" });
                using var decrypt = await http.PostJsonAsync("/v1/key/decrypt/minio-default", new { ciphertext });
                if (generate.StatusCode != HttpStatusCode.OK || decrypt.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }

        await TrafficAsync(20);
        await vault.StopListeningAsync();
        await TrafficAsync(50);
        using var readyDuring = await http.GetPathAsync("/v1/ready");
        await vault.ResumeListeningAsync();
        await TrafficAsync(20);

        Assert.Equal(0, failures);
        Assert.Equal(HttpStatusCode.GatewayTimeout, readyDuring.StatusCode);
    }

    private static async Task ReadUntilAllAsync(StreamReader reader, params string[] texts)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var missing = new HashSet<string>(texts, StringComparer.Ordinal);
        while (missing.Count > 0)
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            missing.RemoveWhere(t => line.Contains(t, StringComparison.Ordinal));
        }
    }

    private static Task ReadUntilAsync(StreamReader reader, string text) => ReadUntilAllAsync(reader, text);

    [Fact]
    public async Task Restarted_DownIsUnreachable_BackServesWithoutARestartOfOurs()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        ProvisionKvV1(vault);
        await using var server = await TestServer.StartAsync(Config(vault, AppRole(vault, "kes")));
        using var http = server.CreateClient(_admin);
        (await http.PostJsonAsync("/v1/key/create/k1", null)).Dispose();

        await vault.StopListeningAsync();
        using var ready = await http.GetPathAsync("/v1/ready");
        await vault.ResumeListeningAsync();
        using var after = await http.PostJsonAsync("/v1/key/generate/k1", null);

        Assert.Equal(HttpStatusCode.GatewayTimeout, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task TokenExpiredMidTraffic_ReLogsInAndTheRequestSucceeds()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        ProvisionKvV1(vault);
        await using var server = await TestServer.StartAsync(Config(vault, AppRole(vault, "kes")));
        using var http = server.CreateClient(_admin);
        (await http.PostJsonAsync("/v1/key/create/k1", null)).Dispose();
        var logins = vault.Journal.Entries.Count(r => r.VaultPath == "auth/approle/login");

        foreach (var token in vault.Tokens.Where(t => t.Policies.Contains("kes")).Select(t => t.Id).ToList())
        {
            vault.ExpireToken(token);
        }

        using var generate = await http.PostJsonAsync("/v1/key/generate/k1", null);

        Assert.Equal(HttpStatusCode.OK, generate.StatusCode);
        Assert.Equal(logins + 1, vault.Journal.Entries.Count(r => r.VaultPath == "auth/approle/login"));
    }

    [Fact]
    public async Task Slow_RequestsWaitForVault_AndSucceed()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        ProvisionKvV1(vault);
        await using var server = await TestServer.StartAsync(Config(vault, AppRole(vault, "kes")));
        using var http = server.CreateClient(_admin);
        (await http.PostJsonAsync("/v1/key/create/k1", null)).Dispose();

        vault.Faults.Add(VaultRequestMatch.ForPath("kv/k1", "GET"), VaultFault.Delay(TimeSpan.FromMilliseconds(300)), times: 1);
        using var generate = await http.PostJsonAsync("/v1/key/generate/k1", null);

        Assert.Equal(HttpStatusCode.OK, generate.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WarmStart_RestartedWhileVaultIsDown_ServesSnapshotKeysOnlyWithASnapshot(bool withSnapshot)
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        ProvisionKvV1(vault);
        var config = Config(vault, AppRole(vault, "kes"));
        var snapshotPath = Path.Combine(_dir, "cache.snapshot");
        config = config with
        {
            Cache = new CacheConfig
            {
                Offline = TimeSpan.FromHours(1),
                Snapshot = withSnapshot
                    ? new SnapshotConfig { Path = snapshotPath, Key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), KeySource = "test" }
                    : null,
            },
        };
        string ciphertext;
        await using (var first = await TestServer.StartAsync(config))
        {
            using var http = first.CreateClient(_admin);
            (await http.PostJsonAsync("/v1/key/create/k1", null)).Dispose();
            (await http.PostJsonAsync("/v1/key/create/uncached", null)).Dispose();
            var dek = await (await http.PostJsonAsync("/v1/key/generate/k1", null)).JsonAsync();
            ciphertext = dek.GetProperty("ciphertext").GetString()!;
        }

        await vault.StopListeningAsync();
        if (!withSnapshot)
        {
            // Without a snapshot a Vault that cannot be reached fails the start, as in KES: k1 is not served.
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await TestServer.StartAsync(config));
            return;
        }

        Assert.True(File.Exists(snapshotPath));
        await using var second = await TestServer.StartAsync(config with { Keys = ["declared-later"] }, cacheStatusInterval: TimeSpan.FromMilliseconds(200));
        using var client = second.CreateClient(_admin);
        using var errors = new StreamReader(await (await second.CreateClient(_admin).SendAsync(
            new HttpRequestMessage(HttpMethod.Get, "/v1/log/error"), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken))
            .Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        using var generate = await client.PostJsonAsync("/v1/key/generate/k1", null);
        using var decrypt = await client.PostJsonAsync("/v1/key/decrypt/k1", new { ciphertext });
        using var uncached = await client.PostJsonAsync("/v1/key/generate/uncached", null);
        var status = await (await client.GetPathAsync("/v1/status")).JsonAsync();
        using var ready = await client.GetPathAsync("/v1/ready");

        Assert.Equal(HttpStatusCode.GatewayTimeout, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, generate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, decrypt.StatusCode);
        Assert.Equal((HttpStatusCode.BadGateway, "{\"message\":\"failed to read key\"\n}"), (uncached.StatusCode, await uncached.BodyAsync()));
        Assert.True(status.GetProperty("keystore_unreachable").GetBoolean());

        // Vault back: the server connects in the background, creates the declared keys and serves keys that were
        // never in the snapshot — waited for on the error log, not on a clock.
        await vault.ResumeListeningAsync();
        await ReadUntilAllAsync(errors, "is online again", "the keys the config declares are created");
        using var after = await client.PostJsonAsync("/v1/key/generate/uncached", null);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotNull(vault.ReadKv("kv", "declared-later"));
    }

    [Fact]
    public async Task WarmStart_SnapshotSealedWithAnotherKey_IgnoredAndTheServerStillStarts()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        ProvisionKvV1(vault);
        var snapshot = new SnapshotConfig { Path = Path.Combine(_dir, "cache.snapshot"), Key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), KeySource = "test" };
        var config = Config(vault, AppRole(vault, "kes")) with { Cache = new CacheConfig { Offline = TimeSpan.FromHours(1), Snapshot = snapshot } };
        await using (var first = await TestServer.StartAsync(config))
        {
            using var http = first.CreateClient(_admin);
            (await http.PostJsonAsync("/v1/key/create/k1", null)).Dispose();
            (await http.PostJsonAsync("/v1/key/generate/k1", null)).Dispose();
        }

        await vault.StopListeningAsync();
        var rekeyed = config with { Cache = config.Cache with { Snapshot = snapshot with { Key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32) } } };
        await using var second = await TestServer.StartAsync(rekeyed);
        using var client = second.CreateClient(_admin);
        using var generate = await client.PostJsonAsync("/v1/key/generate/k1", null);

        Assert.Equal(HttpStatusCode.BadGateway, generate.StatusCode);
    }

    // A KV v1 mount and the tutorial's v1 policy, named "kes".
    private static void ProvisionKvV1(VaultDouble vault)
    {
        vault.EnableKv("kv", 1);
        vault.WritePolicy("kes", "path \"kv/*\" { capabilities = [\"create\",\"read\",\"delete\",\"list\"] }");
    }

    private VaultAppRoleConfig AppRole(VaultDouble vault, string policy)
    {
        vault.EnableAppRole();
        vault.WriteAppRole("kes-server", policies: [policy]);
        return new VaultAppRoleConfig { Id = vault.ReadRoleId("kes-server"), Secret = vault.GenerateSecretId("kes-server") };
    }

    private ServerConfig Config(VaultDouble vault, VaultAppRoleConfig? approle)
    {
        var ca = Path.Combine(_dir, "vault.crt");
        File.WriteAllText(ca, vault.CaCertificatePem);
        return TestServer.Config(TestServer.IdentityOf(_admin)) with
        {
            KeyStore = new VaultKeyStoreConfig
            {
                Endpoint = vault.Address.ToString().TrimEnd('/'),
                AppRole = approle,
                Tls = new VaultTlsConfig { CaPath = ca },
            },
        };
    }
}

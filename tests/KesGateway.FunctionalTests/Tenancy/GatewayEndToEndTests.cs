using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Proxy;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Tenancy;

/// <summary>
/// The gateway as operators run it, from one YAML file: tenant A serves the hot path from its Vault prefix and forwards
/// the rest to a two-server KES cluster on the same prefix; tenant B forwards everything to its own KES.
/// </summary>
public sealed class GatewayEndToEndTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-e2e-").FullName;
    private readonly X509Certificate2 _adminA = TestCertificates.CreateClient("CN=admin-a");
    private readonly X509Certificate2 _adminB = TestCertificates.CreateClient("CN=admin-b");
    private readonly GatewayIdentity _gateway = new();
    private readonly X509Certificate2Collection _kesCertificate = TestCertificates.CreateServer();
    private VaultDouble _vault = null!;
    private TestServer _kesA1 = null!;
    private TestServer _kesA2 = null!;
    private TestServer _kesB = null!;
    private string _configPath = null!;
    private bool _kesA1Stopped;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        _vault.EnableKv("kv", 1);
        _vault.EnableAppRole();
        _vault.WritePolicy("tenant-a", "path \"kv/tenant-a/*\" { capabilities = [\"create\",\"read\",\"delete\",\"list\"] }");
        _vault.WriteAppRole("tenant-a", policies: ["tenant-a"]);
        File.WriteAllText(Path.Combine(_dir, "vault-ca.pem"), _vault.CaCertificatePem);
        File.WriteAllText(Path.Combine(_dir, "kes-ca.pem"), _kesCertificate[0].ExportCertificatePem());

        // Tenant A's KES cluster: two servers on A's Vault prefix, the gateway's certificate is their admin.
        var kesA = TestServer.Config(_gateway.Identity) with { KeyStore = VaultStore() };
        _kesA1 = await TestServer.StartAsync(kesA, certificate: _kesCertificate);
        _kesA2 = await TestServer.StartAsync(kesA, certificate: _kesCertificate);
        _kesB = await TestServer.StartAsync(TestServer.Config(_gateway.Identity), certificate: _kesCertificate);
        _configPath = WriteConfig();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_kesA1Stopped)
        {
            await _kesA1.DisposeAsync();
        }

        await _kesA2.DisposeAsync();
        await _kesB.DisposeAsync();
        await _vault.DisposeAsync();
        _adminA.Dispose();
        _adminB.Dispose();
        _gateway.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task TwoTenants_NativeAndForwarded_EdgePolicyFirst_AuditedAtTheEdge()
    {
        await using var gateway = await StartAsync();
        using var a = gateway.Client("kms.a.test", _adminA);
        using var b = gateway.Client("kms.b.test", _adminB);
        using var aAtB = gateway.Client("kms.b.test", _adminA);

        using var create = await a.PostJsonAsync("/v1/key/create/minio-key", null);
        using var dek = await a.PostJsonAsync("/v1/key/generate/minio-key", new { context = "e30=" });
        var generated = await dek.JsonAsync();
        using var decrypt = await a.PostJsonAsync("/v1/key/decrypt/minio-key", new { ciphertext = generated.GetProperty("ciphertext").GetString(), context = "e30=" });
        using var list = await a.GetPathAsync("/v1/key/list/*");
        using var self = await a.GetPathAsync("/v1/identity/self/describe");
        using var createB = await b.PostJsonAsync("/v1/key/create/b-key", null);
        using var dekB = await b.PostJsonAsync("/v1/key/generate/b-key", null);
        using var denied = await aAtB.PostJsonAsync("/v1/key/create/sneaky", null);

        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dek.StatusCode);
        Assert.Equal(generated.GetProperty("plaintext").GetString(), (await decrypt.JsonAsync()).GetProperty("plaintext").GetString());
        Assert.Contains("minio-key", await list.BodyAsync(), StringComparison.Ordinal);
        Assert.Equal(TestServer.IdentityOf(_adminA), (await self.JsonAsync()).GetProperty("identity").GetString());
        Assert.Equal(HttpStatusCode.OK, createB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dekB.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        // Create and list went to A's cluster, generate and decrypt never did; the key sits under A's prefix.
        await AuditCapture.WaitForAsync("/v1/key/list/", _kesA1.Audit, _kesA2.Audit);
        var upstreamA = await AuditCapture.WaitForAsync("/v1/key/create/minio-key", _kesA1.Audit, _kesA2.Audit);
        Assert.Contains("/v1/key/create/minio-key", upstreamA, StringComparison.Ordinal);
        Assert.Contains("/v1/key/list/", upstreamA, StringComparison.Ordinal);
        Assert.DoesNotContain("/v1/key/generate/", upstreamA, StringComparison.Ordinal);
        Assert.Contains("req.identity=" + _gateway.Identity, upstreamA, StringComparison.Ordinal);
        Assert.NotNull(_vault.ReadKv("kv", "tenant-a/minio-key"));
        Assert.Contains("/v1/key/generate/b-key", await _kesB.Audit.WaitForAsync("/v1/key/generate/b-key"), StringComparison.Ordinal);
        Assert.DoesNotContain("sneaky", _kesB.Audit.ToString(), StringComparison.Ordinal);

        // The edge audits forwarded calls with the caller's identity, as native ones.
        var edge = await gateway.Audit.WaitForAsync("/v1/key/create/sneaky");
        Assert.Contains($"tenant=a req.method=POST req.path=/v1/key/create/minio-key req.ip=127.0.0.1 req.identity={TestServer.IdentityOf(_adminA)} res.code=200", edge, StringComparison.Ordinal);
        Assert.Contains($"tenant=b req.method=POST req.path=/v1/key/create/sneaky req.ip=127.0.0.1 req.identity={TestServer.IdentityOf(_adminA)} res.code=403", edge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamEndpointDies_ForwardedCallsKeepSucceeding()
    {
        await using var gateway = await StartAsync();
        using var a = gateway.Client("kms.a.test", _adminA);
        (await a.PostJsonAsync("/v1/key/create/before", null)).Dispose();

        await _kesA1.DisposeAsync();
        _kesA1Stopped = true;
        var failures = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            using var create = await a.PostJsonAsync($"/v1/key/create/after-{i}", null);
            using var list = await a.GetPathAsync("/v1/key/list/after-*");
            using var generate = await a.PostJsonAsync($"/v1/key/generate/after-{i}", null);
            foreach (var response in new[] { create, list, generate })
            {
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{response.RequestMessage!.RequestUri} {(int)response.StatusCode} {await response.BodyAsync()}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Reload_WhileRequestsAreInFlight_LosesNone()
    {
        await using var gateway = await StartAsync();
        using var a = gateway.Client("kms.a.test", _adminA);
        using var b = gateway.Client("kms.b.test", _adminB);
        (await a.PostJsonAsync("/v1/key/create/hot", null)).Dispose();
        (await b.PostJsonAsync("/v1/key/create/hot", null)).Dispose();

        var failures = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        async Task TrafficAsync(HttpClient client, string path, bool put)
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = put ? await client.PostJsonAsync(path, null) : await client.GetPathAsync(path);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{path} {(int)response.StatusCode} {await response.BodyAsync()}");
                }
            }
        }

        var traffic = new[]
        {
            Task.Run(() => TrafficAsync(a, "/v1/key/generate/hot", put: true), Ct),
            Task.Run(() => TrafficAsync(a, "/v1/key/list/*", put: false), Ct),
            Task.Run(() => TrafficAsync(b, "/v1/key/generate/hot", put: true), Ct),
        };
        for (var i = 0; i < 5; i++)
        {
            // Each reload changes a policy, so a real new state is built and swapped every time.
            File.WriteAllText(_configPath, Config(extraPolicy: $"p{i}"));
            Assert.True(await gateway.Reloader.ReloadAsync(() => KesConfigLoader.Load(_configPath), Ct));
        }

        await stop.CancelAsync();
        await Task.WhenAll(traffic);

        Assert.Empty(failures);
        Assert.Contains("res.code=200", await gateway.Audit.WaitForAsync("res.code=200"), StringComparison.Ordinal);
    }

    private Task<TestGateway> StartAsync() =>
        TestGateway.StartAsync(new GatewayOptions { Config = KesConfigLoader.Load(_configPath), ConfigPath = _configPath });

    private VaultKeyStoreConfig VaultStore() => new()
    {
        Endpoint = _vault.Address.ToString().TrimEnd('/'),
        Prefix = "tenant-a",
        AppRole = new VaultAppRoleConfig { Id = _vault.ReadRoleId("tenant-a"), Secret = _vault.GenerateSecretId("tenant-a") },
        Tls = new VaultTlsConfig { CaPath = Path.Combine(_dir, "vault-ca.pem") },
    };

    private string WriteConfig()
    {
        TestGateway.WriteServerCertificate(_dir, "localhost", "default");
        TestGateway.WriteServerCertificate(_dir, "kms.a.test", "a");
        TestGateway.WriteServerCertificate(_dir, "kms.b.test", "b");
        var path = Path.Combine(_dir, "gateway.yml");
        File.WriteAllText(path, Config(extraPolicy: null));
        return path;
    }

    private string Config(string? extraPolicy) => $$"""
        admin:
          identity: disabled
        tls: {key: default.key, cert: default.crt}
        keystore:
          fs: {path: default-keys}
        gateway:
          watch: false
        upstreams:
          kes-a:
            endpoints: [{{_kesA1.Address.ToString().TrimEnd('/')}}, {{_kesA2.Address.ToString().TrimEnd('/')}}]
            tls: {cert: {{_gateway.CertificatePath}}, key: {{_gateway.KeyPath}}, ca: kes-ca.pem}
            health: {active: false}
          kes-b:
            endpoints: [{{_kesB.Address.ToString().TrimEnd('/')}}]
            tls: {cert: {{_gateway.CertificatePath}}, key: {{_gateway.KeyPath}}, ca: kes-ca.pem}
        tenants:
          a:
            hosts: [kms.a.test]
            admin: {identity: {{TestServer.IdentityOf(_adminA)}}}
            tls: {key: a.key, cert: a.crt}
            policy:
              {{extraPolicy ?? "none"}}:
                allow: [/v1/status]
                identities: [{{new string('0', 64)}}]
            keystore:
              vault:
                endpoint: {{_vault.Address.ToString().TrimEnd('/')}}
                prefix: tenant-a
                approle: {id: {{_vault.ReadRoleId("tenant-a")}}, secret: {{_vault.GenerateSecretId("tenant-a")}}}
                tls: {ca: vault-ca.pem}
            upstream: kes-a
          b:
            hosts: [kms.b.test]
            admin: {identity: {{TestServer.IdentityOf(_adminB)}}}
            tls: {key: b.key, cert: b.crt}
            upstream: kes-b
        """;
}

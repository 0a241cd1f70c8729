using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using KesGateway.Server.Observability;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Vault;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.RateLimiting;

/// <summary>Budgets per tenant, policy and identity: queue first, then 429 with Retry-After, never a 5xx.</summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly X509Certificate2 _admin = TestCertificates.CreateClient("CN=admin");
    private readonly X509Certificate2 _minio1 = TestCertificates.CreateClient("CN=minio-1");
    private readonly X509Certificate2 _minio2 = TestCertificates.CreateClient("CN=minio-2");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _admin.Dispose();
        _minio1.Dispose();
        _minio2.Dispose();
    }

    [Fact]
    public async Task OverBudget_Gets429WithRetryAfter_InKesShape_Audited_Counted()
    {
        var limits = new RateLimitConfig { Identity = new RouteBudgets(new Budget(Rate: 1, Burst: 2), null), QueueSize = 0 };
        await using var server = await StartAsync(limits);
        using var minio = server.CreateClient(_minio1);
        (await server.CreateClient(_admin).PostJsonAsync("/v1/key/create/k", null)).Dispose();

        using var first = await minio.PostJsonAsync("/v1/key/generate/k", null);
        using var second = await minio.PostJsonAsync("/v1/key/generate/k", null);
        using var third = await minio.PostJsonAsync("/v1/key/generate/k", null);
        using var metrics = await server.CreateClient(_admin).GetPathAsync("/v1/metrics");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("1", Assert.Single(third.Headers.GetValues("Retry-After")));
        Assert.Equal("{\"message\":\"too many requests: the identity's crypto budget is spent; retry after 1s\"\n}", await third.BodyAsync());
        Assert.Contains("req.path=/v1/key/generate/k", await server.Audit.WaitForAsync("res.code=429"), StringComparison.Ordinal);
        var text = await metrics.BodyAsync();
        Assert.Contains("kesgw_ratelimit_requests_total{tenant=\"default\",limit=\"identity\",result=\"rejected\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("kesgw_ratelimit_requests_total{tenant=\"default\",limit=\"none\",result=\"allowed\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("kes_http_request_error{code=\"429\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MinioLikeLoop_OverItsBudget_SeesOnly200And429_Never5xx()
    {
        var limits = new RateLimitConfig { Identity = new RouteBudgets(new Budget(Rate: 5, Burst: 5), null), QueueSize = 0 };
        await using var server = await StartAsync(limits);
        (await server.CreateClient(_admin).PostJsonAsync("/v1/key/create/k", null)).Dispose();
        using var minio = server.CreateClient(_minio1);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            using var generate = await minio.PostJsonAsync("/v1/key/generate/k", null);
            statuses.Add(generate.StatusCode);
            if (i % 10 == 9)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.Equal(5 + (4 * 5), statuses.Count(s => s == HttpStatusCode.OK));
    }

    [Fact]
    public async Task JustOverBudget_WaitsInTheQueue_ThenSucceeds()
    {
        var limits = new RateLimitConfig { Identity = new RouteBudgets(new Budget(Rate: 1, Burst: 1), null), QueueTimeout = TimeSpan.FromSeconds(2) };
        await using var server = await StartAsync(limits);
        (await server.CreateClient(_admin).PostJsonAsync("/v1/key/create/k", null)).Dispose();
        using var minio = server.CreateClient(_minio1);
        var metrics = server.Services.GetRequiredService<KesMetrics>();

        using var first = await minio.PostJsonAsync("/v1/key/generate/k", null);
        var queued = minio.PostJsonAsync("/v1/key/generate/k", null);
        await WaitUntilAsync(() => metrics.Render(0, 0, EmptyCache(), "default").Contains("result=\"queued\"} 1", StringComparison.Ordinal), "the second call to queue");
        Assert.False(queued.IsCompleted, "a queued call waits for its token");
        _time.Advance(TimeSpan.FromSeconds(1));
        using var second = await queued;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task PolicyBudget_IsSharedByItsIdentities_AdminBudgetIsSeparate_TenantBudgetCoversAll()
    {
        var limits = new RateLimitConfig
        {
            Policies = System.Collections.Immutable.ImmutableDictionary<string, RouteBudgets>.Empty.Add("minio", new RouteBudgets(new Budget(Rate: 1, Burst: 3), null)),
            Tenant = new RouteBudgets(null, new Budget(Rate: 1, Burst: 2)),
            QueueSize = 0,
        };
        await using var server = await StartAsync(limits);
        (await server.CreateClient(_admin).PostJsonAsync("/v1/key/create/k", null)).Dispose();
        using var one = server.CreateClient(_minio1);
        using var two = server.CreateClient(_minio2);

        var codes = new List<HttpStatusCode>();
        foreach (var client in new[] { one, two, one, two })
        {
            using var response = await client.PostJsonAsync("/v1/key/generate/k", null);
            codes.Add(response.StatusCode);
        }

        using var adminRoute = await one.GetPathAsync("/v1/key/describe/k");
        using var adminSpent = await two.GetPathAsync("/v1/key/describe/k");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal(HttpStatusCode.OK, adminRoute.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, adminSpent.StatusCode);
        Assert.Contains("the tenant's admin budget", await adminSpent.BodyAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedByPolicy_SpendsNoBudget()
    {
        var limits = new RateLimitConfig { Tenant = new RouteBudgets(new Budget(Rate: 1, Burst: 1), null), QueueSize = 0 };
        await using var server = await StartAsync(limits);
        (await server.CreateClient(_admin).PostJsonAsync("/v1/key/create/k", null)).Dispose();
        using var stranger = server.CreateClient(TestCertificates.CreateClient("CN=stranger"));
        using var minio = server.CreateClient(_minio1);

        using var denied = await stranger.PostJsonAsync("/v1/key/generate/k", null);
        using var allowed = await minio.PostJsonAsync("/v1/key/generate/k", null);

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task MissStorm_VaultSeesNoMoreReadsAtOnceThanTheCap()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        vault.EnableKv("kv", 1);
        vault.WritePolicy("kes", "path \"kv/*\" { capabilities = [\"create\",\"read\",\"delete\",\"list\"] }");
        vault.EnableAppRole();
        vault.WriteAppRole("kes-server", policies: ["kes"]);
        var ca = Path.Combine(Path.GetTempPath(), $"kesgw-vault-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(ca, vault.CaCertificatePem);
        try
        {
            var config = TestServer.Config(TestServer.IdentityOf(_admin)) with
            {
                KeyStore = new VaultKeyStoreConfig
                {
                    Endpoint = vault.Address.ToString().TrimEnd('/'),
                    AppRole = new VaultAppRoleConfig { Id = vault.ReadRoleId("kes-server"), Secret = vault.GenerateSecretId("kes-server") },
                    Tls = new VaultTlsConfig { CaPath = ca },
                },
                Limits = new RateLimitConfig { KeyStoreConcurrency = 4 },
            };
            await using (var seeding = await TestServer.StartAsync(config))
            {
                using var admin = seeding.CreateClient(_admin);
                for (var i = 0; i < 40; i++)
                {
                    (await admin.PostJsonAsync($"/v1/key/create/key-{i}", null)).Dispose();
                }
            }

            // A cold cache, 40 keys at once, each Vault read held a little so they would all overlap without the cap.
            await using var server = await TestServer.StartAsync(config);
            var reads = vault.Faults.Add(VaultRequestMatch.ForPath("kv/key-*"), VaultFault.Delay(TimeSpan.FromMilliseconds(50)));
            var clients = Enumerable.Range(0, 8).Select(_ => server.CreateClient(_admin)).ToArray();
            var storm = Enumerable.Range(0, 40).Select(i => clients[i % clients.Length].PostJsonAsync($"/v1/key/generate/key-{i}", null)).ToArray();
            var answers = await Task.WhenAll(storm);

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
            Assert.InRange(reads.Hits, 40, 40);
            Assert.InRange(reads.PeakConcurrent, 1, 4);
            foreach (var answer in answers)
            {
                answer.Dispose();
            }

            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            File.Delete(ca);
        }
    }

    private async Task<TestServer> StartAsync(RateLimitConfig limits) =>
        await TestServer.StartAsync(
            TestServer.Config(TestServer.IdentityOf(_admin), new PolicyConfig("minio", ["/v1/key/generate/*", "/v1/key/describe/*"], [], [TestServer.IdentityOf(_minio1), TestServer.IdentityOf(_minio2)])) with { Limits = limits },
            time: _time);

    private static Core.Keystore.KeyCache EmptyCache() => new(new Core.Keystore.Memory.MemoryKeyStore(), new Core.Keystore.KeyCacheOptions());

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token).ConfigureAwait(false);
        }

        Assert.True(condition(), $"timed out waiting for {what}");
    }
}

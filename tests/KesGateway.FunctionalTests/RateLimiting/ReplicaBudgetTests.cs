using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Redis;

namespace KesGateway.FunctionalTests.RateLimiting;

/// <summary>Two gateway replicas share one budget through a real Redis, and keep answering (never 5xx) when Redis dies.</summary>
public sealed class ReplicaBudgetTests : IDisposable
{
    private readonly X509Certificate2 _admin = TestCertificates.CreateClient("CN=admin");
    private readonly X509Certificate2 _minio = TestCertificates.CreateClient("CN=minio");
    private readonly string _keys = Directory.CreateTempSubdirectory("kesgw-replicas-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _admin.Dispose();
        _minio.Dispose();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task TwoReplicas_MinioLikeClientsFlatOut_ShareOneBudget_RedisDies_StillNo5xx()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        var config = Config(redis.Endpoint, rate: 40, burst: 20);
        await using var replicaA = await TestServer.StartAsync(config);
        await using var replicaB = await TestServer.StartAsync(config);
        (await replicaA.CreateClient(_admin).PostJsonAsync("/v1/key/create/k", null)).Dispose();
        using var toA = replicaA.CreateClient(_minio);
        using var toB = replicaB.CreateClient(_minio);

        // Both replicas connect to Redis before the window opens.
        await WarmUpAsync(toA);
        await WarmUpAsync(toB);
        var shared = await FlatOutAsync([toA, toB], TimeSpan.FromSeconds(1.5));

        await redis.KillAsync();
        var alone = await FlatOutAsync([toA, toB], TimeSpan.FromSeconds(1));
        using var metrics = await replicaA.CreateClient(_admin).GetPathAsync("/v1/metrics");
        var text = await metrics.BodyAsync();

        await redis.StartAgainAsync(Ct);
        await WaitForRedisAsync(replicaA);

        var allowed = 20 + (40 * shared.Elapsed.TotalSeconds);
        Assert.Empty(shared.Unexpected);
        Assert.InRange(shared.Granted, allowed * 0.9, allowed + 1);
        Assert.Empty(alone.Unexpected);
        Assert.True(alone.Granted > 0, "with Redis gone each replica still enforces its own budget");
        Assert.Contains("kesgw_ratelimit_redis_up 0", text, StringComparison.Ordinal);
        Assert.DoesNotContain("kesgw_ratelimit_redis_fallbacks_total 0\n", text, StringComparison.Ordinal);
    }

    private ServerConfig Config(string redis, double rate, int burst) =>
        TestServer.Config(TestServer.IdentityOf(_admin), new PolicyConfig("minio", ["/v1/key/generate/*"], [], [TestServer.IdentityOf(_minio)])) with
        {
            KeyStore = new FsKeyStoreConfig(_keys),
            Limits = new RateLimitConfig { Policies = System.Collections.Immutable.ImmutableDictionary<string, RouteBudgets>.Empty.Add("minio", new RouteBudgets(new Budget(rate, burst), null)), QueueSize = 0 },
            Redis = new RedisConfig { Endpoint = redis },
        };

    private static async Task WarmUpAsync(HttpClient client)
    {
        using var response = await client.GetPathAsync("/v1/key/describe/k");
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    // MinIO's hot path: one generate after another, as fast as the answers come, from every replica's client at once.
    private static async Task<(int Granted, TimeSpan Elapsed, List<string> Unexpected)> FlatOutAsync(HttpClient[] clients, TimeSpan window)
    {
        var unexpected = new List<string>();
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(clients.SelectMany(c => new[] { c, c }).Select(async client =>
        {
            var granted = 0;
            while (clock.Elapsed < window)
            {
                using var response = await client.PostJsonAsync("/v1/key/generate/k", null);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    granted++;
                }
                else if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    var line = $"{(int)response.StatusCode} {await response.BodyAsync()}";
                    lock (unexpected)
                    {
                        unexpected.Add(line);
                    }
                }
            }

            return granted;
        }));
        return (counts.Sum(), clock.Elapsed, unexpected);
    }

    private async Task WaitForRedisAsync(TestServer replica)
    {
        using var admin = replica.CreateClient(_admin);
        using var minio = replica.CreateClient(_minio);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            (await minio.PostJsonAsync("/v1/key/generate/k", null)).Dispose();
            using var metrics = await admin.GetPathAsync("/v1/metrics");
            if ((await metrics.BodyAsync()).Contains("kesgw_ratelimit_redis_up 1", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}

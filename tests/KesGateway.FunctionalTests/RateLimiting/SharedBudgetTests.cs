using System.Diagnostics;
using KesGateway.Server.Configuration;
using KesGateway.Server.RateLimiting;
using KesGateway.Tests.Common.Redis;

namespace KesGateway.FunctionalTests.RateLimiting;

/// <summary>Two replicas (two stores, two multiplexers) drawing on one bucket in Redis, flat out, over a fixed window of wall time.</summary>
public sealed class SharedBudgetTests
{
    [Theory]
    [InlineData(200, 20, 2)]
    [InlineData(50, 10, 2)]
    public async Task TwoReplicas_FlatOut_GrantRateTimesWindowPlusBurstBetweenThem(double rate, int burst, int windowSeconds)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync(cancellationToken: ct);
        await using var replicaA = CreateStore(redis);
        await using var replicaB = CreateStore(redis);
        // Connect and load the script first, on another bucket, so the window measures reservations only.
        await replicaA.ReserveAsync([new("warm-up", 1, 1)], TimeSpan.Zero, ct);
        await replicaB.ReserveAsync([new("warm-up", 1, 1)], TimeSpan.Zero, ct);
        BucketRequest[] bucket = [new("acme/tenant/crypto", rate, burst)];
        var window = TimeSpan.FromSeconds(windowSeconds);

        var clock = Stopwatch.StartNew();
        var loops = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => RunFlatOutAsync(i % 2 == 0 ? replicaA : replicaB, i % 2 == 0 ? "A" : "B")));
        var elapsed = clock.Elapsed;

        var granted = loops.Sum(l => l.Granted);
        var calls = loops.Sum(l => l.Calls);
        var byA = loops.Where(l => l.Replica == "A").Sum(l => l.Granted);
        var expected = burst + (rate * window.TotalSeconds);
        var error = (granted - expected) / expected;
        var report = $"rate {rate}/s burst {burst} window {window.TotalSeconds} s (measured {elapsed.TotalSeconds:0.000} s): "
            + $"granted {granted} (A {byA}, B {granted - byA}) of {calls} calls, expected {expected}, error {error:+0.00%;-0.00%}";
        TestContext.Current.TestOutputHelper?.WriteLine(report);

        // GCRA can never grant more than burst + rate x the time the calls spanned; flat out it grants about that.
        Assert.True(granted <= burst + (rate * elapsed.TotalSeconds) + 1, report);
        Assert.True(Math.Abs(error) <= 0.03, report);
        Assert.True(byA > 0 && byA < granted, report);
        Assert.True(calls > 4 * granted, $"the replicas did not run flat out: {report}");

        async Task<(string Replica, int Granted, int Calls)> RunFlatOutAsync(IRateLimitStore store, string replica)
        {
            int grantedHere = 0, callsHere = 0;
            while (clock.Elapsed < window)
            {
                callsHere++;
                if ((await store.ReserveAsync(bucket, TimeSpan.Zero, ct)).Granted)
                {
                    grantedHere++;
                }
            }

            return (replica, grantedHere, callsHere);
        }
    }

    private static RedisRateLimitStore CreateStore(RedisServer redis) =>
        new(new RedisConfig { Endpoint = redis.Endpoint, Timeout = TimeSpan.FromSeconds(5) }, TimeProvider.System);
}

using System.Diagnostics;
using System.Globalization;
using KesGateway.Server.Configuration;
using KesGateway.Server.RateLimiting;
using KesGateway.Tests.Common.Redis;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace KesGateway.FunctionalTests.RateLimiting;

/// <summary>The Lua GCRA against a real redis-server: the contract of <see cref="IRateLimitStore"/>, the key layout, EVALSHA, the timeout.</summary>
public sealed class RedisRateLimitStoreTests
{
    // Slow buckets (10 s per token) make the waits large against the time a few calls take on a loaded machine.
    private const double SlowRate = 0.1;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ReserveAsync_BurstThenRate_GrantsBurstAtOnceThenOnePerInterval()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        await using var sut = CreateSut(redis);
        BucketRequest[] bucket = [new("acme/crypto", SlowRate, 3)];

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(new RateLimitReservation(true, TimeSpan.Zero, -1), await sut.ReserveAsync(bucket, TimeSpan.Zero, Ct));
        }

        var refused = await sut.ReserveAsync(bucket, TimeSpan.Zero, Ct);
        AssertReservation(refused, granted: false, Interval, limiting: 0);

        AssertReservation(await sut.ReserveAsync(bucket, 5 * Interval, Ct), granted: true, Interval, limiting: 0);
        AssertReservation(await sut.ReserveAsync(bucket, 5 * Interval, Ct), granted: true, 2 * Interval, limiting: 0);
        AssertReservation(await sut.ReserveAsync(bucket, 2.5 * Interval, Ct), granted: false, 3 * Interval, limiting: 0);
        AssertReservation(await sut.ReserveAsync(bucket, 3.5 * Interval, Ct), granted: true, 3 * Interval, limiting: 0);
    }

    [Fact]
    public async Task ReserveAsync_RefusedRequest_ChargesNoBucket()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        await using var sut = CreateSut(redis);
        BucketRequest wide = new("tenant", SlowRate, 5);
        BucketRequest narrow = new("identity", SlowRate, 1);

        Assert.True((await sut.ReserveAsync([wide, narrow], TimeSpan.Zero, Ct)).Granted);
        var refused = await sut.ReserveAsync([wide, narrow], TimeSpan.Zero, Ct);
        AssertReservation(refused, granted: false, Interval, limiting: 1);

        // The wide bucket paid for the granted request only: four tokens are left, then it waits one interval.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(new RateLimitReservation(true, TimeSpan.Zero, -1), await sut.ReserveAsync([wide], TimeSpan.Zero, Ct));
        }

        AssertReservation(await sut.ReserveAsync([wide], TimeSpan.Zero, Ct), granted: false, Interval, limiting: 0);

        // And the narrow bucket still waits one interval, not two.
        AssertReservation(await sut.ReserveAsync([narrow], TimeSpan.Zero, Ct), granted: false, Interval, limiting: 0);
    }

    [Fact]
    public async Task ReserveAsync_SeveralBuckets_LimitingIsTheBucketWithTheLongestWait()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        await using var sut = CreateSut(redis);
        BucketRequest a = new("a", SlowRate, 1), b = new("b", SlowRate, 1), c = new("c", SlowRate, 1);
        await sut.ReserveAsync([b], TimeSpan.MaxValue, Ct);
        await sut.ReserveAsync([b], TimeSpan.MaxValue, Ct);
        await sut.ReserveAsync([c], TimeSpan.MaxValue, Ct);

        AssertReservation(await sut.ReserveAsync([a, b, c], TimeSpan.Zero, Ct), granted: false, 2 * Interval, limiting: 1);
        AssertReservation(await sut.ReserveAsync([a, c], TimeSpan.Zero, Ct), granted: false, Interval, limiting: 1);
        Assert.Equal(new RateLimitReservation(true, TimeSpan.Zero, -1), await sut.ReserveAsync([a], TimeSpan.Zero, Ct));
    }

    /// <summary>
    /// A seeded random mix of requests over three buckets, compared step by step with the reference GCRA on a frozen
    /// clock. Intervals are whole seconds and every max wait sits half an interval away from any wait, so the few
    /// milliseconds the sequence takes on Redis's clock cannot flip a decision.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ReserveAsync_RandomSequence_MatchesReferenceGcra(int seed)
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        await using var sut = CreateSut(redis);
        var reference = new ReferenceGcraStore(new FakeTimeProvider());
        BucketRequest[] buckets = [new("one/s", 1, 3), new("two/s", 0.5, 2), new("four/s", 0.25, 4)];
        double[] maxWaits = [0, 0, 1.5, 3.5, 6.5];
        var random = new Random(seed);

        for (var step = 0; step < 40; step++)
        {
            var request = buckets.Where(_ => random.Next(2) == 0).ToArray();
            if (request.Length == 0)
            {
                request = [buckets[random.Next(buckets.Length)]];
            }

            var maxWait = TimeSpan.FromSeconds(maxWaits[random.Next(maxWaits.Length)]);
            var waits = reference.Waits(request);
            var expected = await reference.ReserveAsync(request, maxWait, Ct);
            var actual = await sut.ReserveAsync(request, maxWait, Ct);
            var what = $"step {step}: [{string.Join(", ", request.Select(r => r.Key))}] maxWait {maxWait.TotalSeconds} s: expected {expected}, got {actual}";
            Assert.True(expected.Granted == actual.Granted, what);

            // Buckets whose waits tie on the frozen clock differ by the milliseconds between calls on Redis's: either may limit.
            Assert.True(expected.Limiting == actual.Limiting || (actual.Limiting >= 0 && waits[actual.Limiting] == expected.Wait), what);
            Assert.True(actual.Wait <= expected.Wait + TimeSpan.FromMilliseconds(1) && actual.Wait >= expected.Wait - TimeSpan.FromMilliseconds(400), what);
        }
    }

    [Fact]
    public async Task ReserveAsync_StoresOneExpiringTimestampPerBucket_UnderPrefixRlKey()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        await using var sut = CreateSut(redis, prefix: "gw-test");
        const string bucketKey = "acme/identity/ünï {tag} \n*?/crypto";
        await using var inspector = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        var db = inspector.GetDatabase();

        await sut.ReserveAsync([new(bucketKey, SlowRate, 3)], TimeSpan.Zero, Ct);

        var keys = await inspector.GetServer(redis.Endpoint).KeysAsync(pattern: "*").Select(k => (string)k!).ToArrayAsync(Ct);
        Assert.Equal(["gw-test:rl:" + bucketKey], keys);
        var time = await inspector.GetServer(redis.Endpoint).TimeAsync();
        var nowMicroseconds = (time - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        var tat = long.Parse((string)(await db.StringGetAsync("gw-test:rl:" + bucketKey))!, CultureInfo.InvariantCulture);

        // TAT = the first request's time + one interval; the key lives until the bucket is full again plus tau.
        Assert.InRange(tat - nowMicroseconds, (Interval - Tolerance).Ticks / 10, Interval.Ticks / 10);
        var ttl = await db.KeyTimeToLiveAsync("gw-test:rl:" + bucketKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, (3 * Interval) - Tolerance, 3 * Interval);
    }

    [Fact]
    public async Task ReserveAsync_RefusedRequest_WritesNothing()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        await using var sut = CreateSut(redis);
        await using var inspector = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);

        var refused = await sut.ReserveAsync([new("x", SlowRate, 1)], TimeSpan.FromSeconds(-1), Ct);

        Assert.False(refused.Granted);
        Assert.Empty(await inspector.GetServer(redis.Endpoint).KeysAsync(pattern: "*").ToArrayAsync(Ct));
    }

    [Fact]
    public async Task ReserveAsync_ManyCalls_LoadsTheScriptOnceAndRunsItWithEvalsha()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        await using var sut = CreateSut(redis);

        for (var i = 0; i < 20; i++)
        {
            await sut.ReserveAsync([new("k" + i, 100, 10)], TimeSpan.Zero, Ct);
        }

        await using var inspector = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint + ",allowAdmin=true");
        var stats = (await inspector.GetServer(redis.Endpoint).InfoAsync("commandstats")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        var all = string.Join("\n", stats);

        // StackExchange.Redis loads the script once, sends its text with the first call, and only its SHA1 after that.
        Assert.Equal(1, Calls(stats, "cmdstat_script|load"));
        Assert.InRange(Calls(stats, "cmdstat_eval"), 0, 1);
        Assert.True(Calls(stats, "cmdstat_evalsha") >= 19, all);
        Assert.Equal(20, Calls(stats, "cmdstat_eval") + Calls(stats, "cmdstat_evalsha"));

        static long Calls(Dictionary<string, string> stats, string command) =>
            stats.TryGetValue(command, out var line) ? long.Parse(line.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture) : 0;
    }

    [Fact]
    public async Task ReserveAsync_RedisHangs_FailsWithTimeoutWithinTheConfiguredTimeout()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        await using var sut = CreateSut(redis, timeout: TimeSpan.FromMilliseconds(200));
        await sut.ReserveAsync([new("warm", 100, 10)], TimeSpan.Zero, Ct);
        await using var inspector = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint);
        await inspector.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "1500", "ALL");

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisTimeoutException>(async () => await sut.ReserveAsync([new("k", 100, 10)], TimeSpan.Zero, Ct));

        // The multiplexer alone would notice only at its next heartbeat (up to a second later).
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(900));
        Assert.Contains("200 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReserveAsync_WithPassword_Works()
    {
        await using var redis = await RedisServer.StartAsync(password: "correct-horse-battery", cancellationToken: Ct);
        await using var sut = CreateSut(redis, password: "correct-horse-battery");

        Assert.Equal(new RateLimitReservation(true, TimeSpan.Zero, -1), await sut.ReserveAsync([new("k", SlowRate, 1)], TimeSpan.Zero, Ct));
        AssertReservation(await sut.ReserveAsync([new("k", SlowRate, 1)], TimeSpan.Zero, Ct), granted: false, Interval, limiting: 0);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-1, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(double.PositiveInfinity, 1)]
    [InlineData(1, 0)]
    public async Task ReserveAsync_InvalidBucket_Throws(double rate, int burst)
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        await using var sut = CreateSut(redis);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sut.ReserveAsync([new("k", rate, burst)], TimeSpan.Zero, Ct));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RedisRateLimitStore CreateSut(RedisServer redis, string prefix = "kesgw", string? password = null, TimeSpan? timeout = null) =>
        new(new RedisConfig { Endpoint = redis.Endpoint, Password = password, Prefix = prefix, Timeout = timeout ?? TimeSpan.FromSeconds(5) }, TimeProvider.System);

    private static void AssertReservation(RateLimitReservation actual, bool granted, TimeSpan wait, int limiting)
    {
        var what = $"expected granted={granted} wait≈{wait} limiting={limiting}, got {actual}";
        Assert.True(actual.Granted == granted && actual.Limiting == limiting, what);
        Assert.True(actual.Wait <= wait && actual.Wait >= wait - Tolerance, what);
    }
}

using KesGateway.FunctionalTests.Proxy;
using KesGateway.Server;
using KesGateway.Server.Configuration;
using KesGateway.Server.RateLimiting;
using KesGateway.Tests.Common.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.RateLimiting;

/// <summary>The fallback store over a real redis-server that dies, comes back, or refuses the password.</summary>
public sealed class RedisFallbackTests
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ReserveAsync_RedisKilledThenStartedAgain_AnswersLocallyThenSharesAgain_LoggingEachSwitchOnce()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        var logs = new LogCapture();
        await using var a = new Replica(redis, logs);
        await using var b = new Replica(redis, logs);
        BucketRequest[] bucket = [new("acme/crypto", 0.1, 3)];

        // Shared: three tokens between both replicas.
        Assert.True((await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted);
        Assert.True((await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted);
        Assert.True((await b.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted);
        Assert.False((await b.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted);
        Assert.True(a.Store.RedisAvailable && b.Store.RedisAvailable);

        await redis.KillAsync();

        // Local: each replica has its own full bucket, and no call throws.
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted, logs.ToString());
        }

        Assert.False((await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted);
        Assert.False(a.Store.RedisAvailable);
        Assert.Equal(1, a.Store.Transitions);
        Assert.Equal(4, a.Store.Fallbacks);
        Assert.Equal(4, a.Local.Calls);
        var down = Assert.Single(logs.OfEvent(EventIds.RateLimitRedisUnavailable));
        Assert.Equal(LogLevel.Warning, down.Level);
        Assert.Contains(redis.Endpoint, down.Message, StringComparison.Ordinal);
        Assert.Contains("own buckets", down.Message, StringComparison.Ordinal);

        await redis.StartAgainAsync(Ct);
        await WaitUntilSharedAgainAsync(a, bucket, logs);

        Assert.Equal(2, a.Store.Transitions);
        var up = Assert.Single(logs.OfEvent(EventIds.RateLimitRedisAvailable));
        Assert.Contains("shared across replicas again", up.Message, StringComparison.Ordinal);
        Assert.Single(logs.OfEvent(EventIds.RateLimitRedisUnavailable));

        // Shared again (Redis restarted empty): a fresh bucket's three tokens go to whichever replica asks first.
        await WaitUntilSharedAgainAsync(b, bucket, logs);
        BucketRequest[] fresh = [new("acme/admin", 0.1, 3)];
        Assert.True((await a.Store.ReserveAsync(fresh, TimeSpan.Zero, Ct)).Granted);
        Assert.True((await b.Store.ReserveAsync(fresh, TimeSpan.Zero, Ct)).Granted);
        Assert.True((await a.Store.ReserveAsync(fresh, TimeSpan.Zero, Ct)).Granted);
        Assert.False((await b.Store.ReserveAsync(fresh, TimeSpan.Zero, Ct)).Granted);
        Assert.False((await a.Store.ReserveAsync(fresh, TimeSpan.Zero, Ct)).Granted);
        Assert.True(a.Store.RedisAvailable && b.Store.RedisAvailable);
    }

    [Fact]
    public async Task ReserveAsync_WhileRedisIsDown_TriesItOncePerRetryInterval()
    {
        await using var redis = await RedisServer.StartAsync(cancellationToken: Ct);
        var logs = new LogCapture();
        await using var a = new Replica(redis, logs);
        BucketRequest[] bucket = [new("k", 1000, 1000)];
        await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct);
        await redis.KillAsync();

        for (var i = 0; i < 10; i++)
        {
            await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct);
        }

        a.Time.Advance(RetryInterval);
        for (var i = 0; i < 10; i++)
        {
            await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct);
        }

        // Redis was tried by the first call after the kill and by one call after the interval; never by the other 18.
        Assert.Equal(1 + 2, a.Shared.Calls);
        Assert.Equal(20, a.Store.Fallbacks);
        Assert.Equal(20, a.Local.Calls);
        Assert.Equal(1, a.Store.Transitions);
        Assert.Single(logs.OfEvent(EventIds.RateLimitRedisUnavailable));
    }

    [Fact]
    public async Task ReserveAsync_WithPassword_SharesTheBudget()
    {
        const string password = "correct-horse-battery-staple";
        await using var redis = await RedisServer.StartAsync(password, Ct);
        var logs = new LogCapture();
        await using var a = new Replica(redis, logs, password);
        await using var b = new Replica(redis, logs, password);
        BucketRequest[] bucket = [new("k", 0.1, 1)];

        Assert.True((await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted);
        Assert.False((await b.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted);

        Assert.True(a.Store.RedisAvailable && b.Store.RedisAvailable, logs.ToString());
        Assert.Equal(0, a.Store.Fallbacks + b.Store.Fallbacks);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReserveAsync_WrongPassword_AnswersLocally_LogsAuthenticationFailureWithoutThePassword()
    {
        const string password = "correct-horse-battery-staple";
        const string wrong = "Tr0ub4dor&3-wrong";
        await using var redis = await RedisServer.StartAsync(password, Ct);
        var logs = new LogCapture();
        await using var a = new Replica(redis, logs, wrong);
        BucketRequest[] bucket = [new("k", 1000, 1000)];

        Assert.True((await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted);
        Assert.False(a.Store.RedisAvailable);
        Assert.Equal(1, a.Store.Fallbacks);

        // The first call may time out while the connection is still being refused; a retry then names the cause.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (!logs.Entries.Any(e => e.Message.Contains("authentication failed", StringComparison.Ordinal)))
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"no log named the authentication failure within 30 s:\n{logs}");
            }

            a.Time.Advance(RetryInterval);
            Assert.True((await a.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct)).Granted);
        }

        Assert.False(a.Store.RedisAvailable);
        Assert.Equal(1, a.Store.Transitions);
        Assert.Single(logs.OfEvent(EventIds.RateLimitRedisUnavailable));
        Assert.All(logs.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(wrong, StringComparison.Ordinal) || e.Message.Contains(password, StringComparison.Ordinal));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The multiplexer reconnects in the background; before each call the retry clock moves on so the call tries Redis.
    /// Bounded: it fails with the logs if Redis is not used again within 30 s.
    /// </summary>
    private static async Task WaitUntilSharedAgainAsync(Replica replica, BucketRequest[] bucket, LogCapture logs)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            replica.Time.Advance(RetryInterval);
            await replica.Store.ReserveAsync(bucket, TimeSpan.Zero, Ct);
            if (replica.Store.RedisAvailable)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"Redis was not used again within 30 s of its restart:\n{logs}");
            }
        }
    }

    private sealed class Replica : IAsyncDisposable
    {
        private readonly RedisRateLimitStore _redis;
        private readonly ILoggerFactory _loggers;

        public Replica(RedisServer server, LogCapture logs, string? password = null, TimeSpan? timeout = null)
        {
            _redis = new RedisRateLimitStore(
                new RedisConfig { Endpoint = server.Endpoint, Password = password, Timeout = timeout ?? TimeSpan.FromSeconds(2) },
                TimeProvider.System);
            Shared = new CountingStore(_redis);
            Local = new ReferenceGcraStore(TimeProvider.System);
            _loggers = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
            Store = new FallbackRateLimitStore(Shared, Local, _redis.Endpoint, Time, _loggers.CreateLogger<FallbackRateLimitStore>(), RetryInterval);
        }

        public FakeTimeProvider Time { get; } = new();

        public CountingStore Shared { get; }

        public ReferenceGcraStore Local { get; }

        public FallbackRateLimitStore Store { get; }

        public async ValueTask DisposeAsync()
        {
            await _redis.DisposeAsync();
            _loggers.Dispose();
        }
    }

    private sealed class CountingStore(IRateLimitStore inner) : IRateLimitStore
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<RateLimitReservation> ReserveAsync(IReadOnlyList<BucketRequest> buckets, TimeSpan maxWait, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return inner.ReserveAsync(buckets, maxWait, cancellationToken);
        }
    }
}

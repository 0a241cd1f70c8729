using KesGateway.Server;
using KesGateway.Server.RateLimiting;
using KesGateway.Tests.Keystore.Vault;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace KesGateway.Tests.RateLimiting;

public sealed class FallbackRateLimitStoreTests
{
    private static readonly BucketRequest[] Bucket = [new("acme/crypto", 10, 5)];
    private static readonly RateLimitReservation FromRedis = new(true, TimeSpan.FromMilliseconds(7), 0);
    private static readonly RateLimitReservation FromLocal = new(false, TimeSpan.FromMilliseconds(3), 0);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeStore _redis = new(FromRedis);
    private readonly FakeStore _local = new(FromLocal);
    private readonly CapturingLogger _logger = new();

    public static TheoryData<string> Failures => ["connection", "authentication", "timeout", "redis-timeout", "script"];

    [Fact]
    public async Task ReserveAsync_RedisAnswers_AnswersFromRedis()
    {
        var sut = CreateSut();

        Assert.Equal(FromRedis, await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct));

        Assert.True(sut.RedisAvailable);
        Assert.Equal(0, sut.Fallbacks);
        Assert.Equal(0, sut.Transitions);
        Assert.Equal(0, _local.Calls);
        Assert.Empty(_logger.Entries);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task ReserveAsync_RedisFails_AnswersLocally_LogsTheSwitchOnce(string failure)
    {
        var sut = CreateSut();
        _redis.Failure = Failure(failure);

        Assert.Equal(FromLocal, await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct));
        Assert.Equal(FromLocal, await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct));

        Assert.False(sut.RedisAvailable);
        Assert.Equal(2, sut.Fallbacks);
        Assert.Equal(1, sut.Transitions);
        var entry = Assert.Single(_logger.Entries);
        Assert.Equal(EventIds.RateLimitRedisUnavailable, entry.EventId);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("redis.example:6379", entry.Message, StringComparison.Ordinal);
        Assert.Contains("own buckets", entry.Message, StringComparison.Ordinal);
        Assert.Contains("every 1 s", entry.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("connection", "no connection (UnableToConnect)")]
    [InlineData("authentication", "authentication failed: check the user and password")]
    [InlineData("timeout", "no answer in time")]
    [InlineData("redis-timeout", "no answer in time")]
    [InlineData("script", "the server refused the call: ERR user_script:1: boom")]
    public async Task ReserveAsync_RedisFails_LogSaysWhyInItsOwnWords(string failure, string reason)
    {
        var sut = CreateSut();
        _redis.Failure = Failure(failure);

        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);

        var message = Assert.Single(_logger.Entries).Message;
        Assert.Contains(reason, message, StringComparison.Ordinal);
        // The exception's own text (which could carry anything) is not echoed for connection failures and timeouts.
        Assert.DoesNotContain("SENTINEL", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReserveAsync_WhileRedisIsDown_TriesRedisOnlyOncePerRetryInterval()
    {
        var sut = CreateSut();
        _redis.Failure = Failure("connection");
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);

        for (var i = 0; i < 5; i++)
        {
            await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);
        }

        _time.Advance(RetryInterval - TimeSpan.FromTicks(1));
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);
        Assert.Equal(1, _redis.Calls);

        _time.Advance(TimeSpan.FromTicks(1));
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);
        Assert.Equal(2, _redis.Calls);

        // The failed retry starts a new interval, and logs nothing new: same outage, same cause.
        _time.Advance(RetryInterval);
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);
        Assert.Equal(3, _redis.Calls);
        Assert.Equal(10, sut.Fallbacks);
        Assert.Equal(10, _local.Calls);
        Assert.Equal(1, sut.Transitions);
        Assert.Single(_logger.Entries);
    }

    [Fact]
    public async Task ReserveAsync_RedisBack_AnswersFromRedisAgain_LogsTheSwitchOnce()
    {
        var sut = CreateSut();
        _redis.Failure = Failure("timeout");
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);

        _redis.Failure = null;
        _time.Advance(RetryInterval);
        Assert.Equal(FromRedis, await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct));
        Assert.Equal(FromRedis, await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct));

        Assert.True(sut.RedisAvailable);
        Assert.Equal(2, sut.Transitions);
        Assert.Equal(2, sut.Fallbacks);
        Assert.Collection(
            _logger.Entries,
            e => Assert.Equal(EventIds.RateLimitRedisUnavailable, e.EventId),
            e =>
            {
                Assert.Equal(EventIds.RateLimitRedisAvailable, e.EventId);
                Assert.Equal(LogLevel.Information, e.Level);
                Assert.Contains("shared across replicas again (2 requests were answered locally meanwhile)", e.Message, StringComparison.Ordinal);
            });
    }

    [Fact]
    public async Task ReserveAsync_SecondOutage_LogsAndCountsAgain()
    {
        var sut = CreateSut();
        _redis.Failure = Failure("connection");
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);
        _redis.Failure = null;
        _time.Advance(RetryInterval);
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);

        _redis.Failure = Failure("connection");
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);

        Assert.False(sut.RedisAvailable);
        Assert.Equal(3, sut.Transitions);
        Assert.Equal(
            [EventIds.RateLimitRedisUnavailable, EventIds.RateLimitRedisAvailable, EventIds.RateLimitRedisUnavailable],
            _logger.Entries.Select(e => e.EventId));
    }

    [Fact]
    public async Task ReserveAsync_CauseChangesDuringAnOutage_LogsTheNewCauseOnce()
    {
        var sut = CreateSut();
        _redis.Failure = Failure("timeout");
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);

        _redis.Failure = Failure("authentication");
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(RetryInterval);
            await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);
        }

        Assert.Equal(1, sut.Transitions);
        Assert.Collection(
            _logger.Entries,
            e => Assert.Contains("no answer in time", e.Message, StringComparison.Ordinal),
            e =>
            {
                Assert.Equal(EventIds.RateLimitRedisStillUnavailable, e.EventId);
                Assert.Equal(LogLevel.Warning, e.Level);
                Assert.Contains("still fails, now authentication failed", e.Message, StringComparison.Ordinal);
            });
    }

    [Fact]
    public async Task ReserveAsync_ConcurrentRequestsAfterTheInterval_OnlyOneTriesRedis()
    {
        var sut = CreateSut();
        _redis.Failure = Failure("connection");
        await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct);
        _redis.Failure = null;
        _time.Advance(RetryInterval);
        var answer = new TaskCompletionSource<RateLimitReservation>(TaskCreationOptions.RunContinuationsAsynchronously);
        _redis.Pending = answer.Task;

        var retry = sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct).AsTask();
        var others = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct).AsTask()));

        Assert.False(retry.IsCompleted);
        Assert.All(others, r => Assert.Equal(FromLocal, r));
        Assert.Equal(2, _redis.Calls);
        answer.SetResult(FromRedis);
        Assert.Equal(FromRedis, await retry);
        Assert.True(sut.RedisAvailable);
    }

    [Fact]
    public async Task ReserveAsync_Canceled_PropagatesWithoutFallingBack()
    {
        var sut = CreateSut();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();
        _redis.Failure = new OperationCanceledException(canceled.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sut.ReserveAsync(Bucket, TimeSpan.Zero, canceled.Token));

        Assert.True(sut.RedisAvailable);
        Assert.Equal(0, sut.Fallbacks);
        Assert.Equal(0, _local.Calls);
    }

    [Fact]
    public async Task ReserveAsync_RedisFailsAfterTheCallerCanceled_ThrowsCanceledWithoutFallingBack()
    {
        var sut = CreateSut();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();
        _redis.Failure = Failure("redis-timeout");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await sut.ReserveAsync(Bucket, TimeSpan.Zero, canceled.Token));

        Assert.True(sut.RedisAvailable);
        Assert.Equal(0, _local.Calls);
    }

    [Fact]
    public async Task ReserveAsync_NotARedisFailure_Propagates()
    {
        var sut = CreateSut();
        _redis.Failure = new ArgumentOutOfRangeException("buckets");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sut.ReserveAsync(Bucket, TimeSpan.Zero, Ct));

        Assert.True(sut.RedisAvailable);
        Assert.Equal(0, _local.Calls);
    }

    [Fact]
    public void Constructor_NegativeRetryInterval_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CreateSut(TimeSpan.FromSeconds(-1)));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Exception Failure(string kind) => kind switch
    {
        "connection" => new RedisConnectionException(ConnectionFailureType.UnableToConnect, "SENTINEL It was not possible to connect"),
        "authentication" => new RedisConnectionException(
            ConnectionFailureType.UnableToResolvePhysicalConnection,
            "SENTINEL No connection is active/available to service this operation: EVALSHA",
            new RedisConnectionException(ConnectionFailureType.AuthenticationFailure, "SENTINEL AuthenticationFailure on 127.0.0.1:6379")),
        "timeout" => new TimeoutException("SENTINEL"),
        "redis-timeout" => new RedisTimeoutException("SENTINEL Timeout awaiting response", CommandStatus.Sent),
        "script" => new RedisServerException("ERR user_script:1: boom\nstack"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private FallbackRateLimitStore CreateSut(TimeSpan? retryInterval = null) =>
        new(_redis, _local, "redis.example:6379", _time, new TypedLogger(_logger), retryInterval ?? RetryInterval);

    private sealed class FakeStore(RateLimitReservation answer) : IRateLimitStore
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Exception? Failure { get; set; }

        public Task<RateLimitReservation>? Pending { get; set; }

        public async ValueTask<RateLimitReservation> ReserveAsync(IReadOnlyList<BucketRequest> buckets, TimeSpan maxWait, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (Failure is { } failure)
            {
                throw failure;
            }

            return Pending is { } pending ? await pending : answer;
        }
    }

    private sealed class TypedLogger(CapturingLogger inner) : ILogger<FallbackRateLimitStore>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}

using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace KesGateway.Server.RateLimiting;

/// <summary>
/// Reserves in the shared (Redis) store and, while Redis fails, in this replica's own store instead, so a Redis outage
/// never fails a request: limits stay enforced, each replica granting its own full budget until Redis is back.
/// </summary>
/// <remarks>
/// After a failure (no connection, no answer within the timeout, a script error) Redis is tried again only once per
/// retry interval, by one request; the others answer locally at once instead of each paying the timeout. The
/// multiplexer reconnects in the background meanwhile. Each switch is logged once and counted, and so is each
/// different cause seen during one outage (a timeout while connecting, then a refused password).
/// </remarks>
internal sealed partial class FallbackRateLimitStore : IRateLimitStore
{
    /// <summary>Gets how often Redis is tried again while it is failing, by default.</summary>
    public static TimeSpan DefaultRetryInterval { get; } = TimeSpan.FromSeconds(1);

    private readonly IRateLimitStore _shared;
    private readonly IRateLimitStore _local;
    private readonly string _sharedName;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TimeSpan _retryInterval;
    private readonly long _retryIntervalTimestamp;
    private readonly Lock _lock = new();

    // Each cause is logged once per outage: the switch names the first, a later different one gets its own line.
    private readonly HashSet<string> _outageReasons = new(StringComparer.Ordinal);
    private bool _redisAvailable = true;
    private long _retryAt;
    private long _fallbacks;
    private long _transitions;
    private long _fallbacksAtOutage;

    /// <summary>Wraps <paramref name="shared"/> with <paramref name="local"/> as the store to answer from while it fails.</summary>
    /// <param name="shared">The shared store, normally <see cref="RedisRateLimitStore"/>; not owned.</param>
    /// <param name="local">This replica's own store; not owned.</param>
    /// <param name="sharedName">The shared store's name in log lines, e.g. its endpoint (never credentials).</param>
    /// <param name="timeProvider">The clock of the retry interval.</param>
    /// <param name="logger">Where the switches are logged.</param>
    /// <param name="retryInterval">How often to try Redis again while it fails; <see cref="DefaultRetryInterval"/> if omitted.</param>
    public FallbackRateLimitStore(
        IRateLimitStore shared,
        IRateLimitStore local,
        string sharedName,
        TimeProvider timeProvider,
        ILogger<FallbackRateLimitStore> logger,
        TimeSpan? retryInterval = null)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(sharedName);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _retryInterval = retryInterval ?? DefaultRetryInterval;
        ArgumentOutOfRangeException.ThrowIfLessThan(_retryInterval, TimeSpan.Zero, nameof(retryInterval));
        _shared = shared;
        _local = local;
        _sharedName = sharedName;
        _timeProvider = timeProvider;
        _logger = logger;
        _retryIntervalTimestamp = (long)(_retryInterval.TotalSeconds * timeProvider.TimestampFrequency);
    }

    /// <summary>Gets a value indicating whether the last answer came from Redis (budgets are shared).</summary>
    public bool RedisAvailable => Volatile.Read(ref _redisAvailable);

    /// <summary>Gets how many requests were answered locally because Redis failed.</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>Gets how many times the store switched between Redis and local answers, either way.</summary>
    public long Transitions => Interlocked.Read(ref _transitions);

    /// <inheritdoc/>
    public async ValueTask<RateLimitReservation> ReserveAsync(IReadOnlyList<BucketRequest> buckets, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (!RedisAvailable && !TryClaimRetry())
        {
            return await ReserveLocallyAsync(buckets, maxWait, cancellationToken).ConfigureAwait(false);
        }

        RateLimitReservation reservation;
        try
        {
            reservation = await _shared.ReserveAsync(buckets, maxWait, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            // A caller that gave up gets its cancellation, not a local answer, and says nothing about Redis.
            cancellationToken.ThrowIfCancellationRequested();
            OnFailure(ex);
            return await ReserveLocallyAsync(buckets, maxWait, cancellationToken).ConfigureAwait(false);
        }

        OnSuccess();
        return reservation;
    }

    private static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException;

    /// <summary>Lets exactly one request try Redis once the retry interval has passed; the others answer locally.</summary>
    private bool TryClaimRetry()
    {
        var now = _timeProvider.GetTimestamp();
        var retryAt = Interlocked.Read(ref _retryAt);
        return now >= retryAt && Interlocked.CompareExchange(ref _retryAt, now + _retryIntervalTimestamp, retryAt) == retryAt;
    }

    private ValueTask<RateLimitReservation> ReserveLocallyAsync(IReadOnlyList<BucketRequest> buckets, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fallbacks);
        return _local.ReserveAsync(buckets, maxWait, cancellationToken);
    }

    private void OnFailure(Exception ex)
    {
        var reason = Describe(ex);
        bool switched, newReason;
        lock (_lock)
        {
            Interlocked.Exchange(ref _retryAt, _timeProvider.GetTimestamp() + _retryIntervalTimestamp);
            switched = _redisAvailable;
            if (switched)
            {
                Volatile.Write(ref _redisAvailable, false);
                Interlocked.Increment(ref _transitions);
                _fallbacksAtOutage = Fallbacks;
                _outageReasons.Clear();
            }

            newReason = _outageReasons.Add(reason);
        }

        if (switched)
        {
            Log.RedisUnavailable(_logger, _sharedName, reason, _retryInterval.TotalSeconds);
        }
        else if (newReason)
        {
            // E.g. the first call timed out while connecting, and the retries say the password is wrong.
            Log.RedisStillUnavailable(_logger, _sharedName, reason);
        }
    }

    private void OnSuccess()
    {
        if (RedisAvailable)
        {
            return;
        }

        long answeredLocally;
        lock (_lock)
        {
            if (_redisAvailable)
            {
                return;
            }

            Volatile.Write(ref _redisAvailable, true);
            Interlocked.Increment(ref _transitions);
            answeredLocally = Fallbacks - _fallbacksAtOutage;
        }

        Log.RedisAvailableAgain(_logger, _sharedName, answeredLocally);
    }

    /// <summary>Says what failed in words an operator can act on; never a credential (none reaches these messages).</summary>
    private static string Describe(Exception ex)
    {
        // A refused password surfaces as "no connection available", with the authentication failure as its cause.
        for (var cause = ex; cause is not null; cause = cause.InnerException)
        {
            if (cause is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure })
            {
                return "authentication failed: check the user and password";
            }
        }

        return DescribeFailure(ex);
    }

    private static string DescribeFailure(Exception ex) => ex switch
    {
        RedisConnectionException connection => $"no connection ({connection.FailureType})",
        TimeoutException => "no answer in time",
        RedisServerException server => $"the server refused the call: {FirstLine(server.Message)}",
        _ => $"{ex.GetType().Name}: {FirstLine(ex.Message)}",
    };

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RateLimitRedisUnavailable, EventName = nameof(EventIds.RateLimitRedisUnavailable), Level = LogLevel.Warning,
            Message = "Redis {Endpoint} failed, {Reason}; rate limits now come from this replica's own buckets (each replica grants the full budget) and Redis is tried again every {RetrySeconds} s")]
        public static partial void RedisUnavailable(ILogger logger, string endpoint, string reason, double retrySeconds);

        [LoggerMessage(EventId = EventIds.RateLimitRedisStillUnavailable, EventName = nameof(EventIds.RateLimitRedisStillUnavailable), Level = LogLevel.Warning,
            Message = "Redis {Endpoint} still fails, now {Reason}; rate limits still come from this replica's own buckets")]
        public static partial void RedisStillUnavailable(ILogger logger, string endpoint, string reason);

        [LoggerMessage(EventId = EventIds.RateLimitRedisAvailable, EventName = nameof(EventIds.RateLimitRedisAvailable), Level = LogLevel.Information,
            Message = "Redis {Endpoint} answers again; rate limits are shared across replicas again ({AnsweredLocally} requests were answered locally meanwhile)")]
        public static partial void RedisAvailableAgain(ILogger logger, string endpoint, long answeredLocally);
    }
}

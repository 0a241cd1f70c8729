using KesGateway.Server.Configuration;
using StackExchange.Redis;

namespace KesGateway.Server.RateLimiting;

/// <summary>
/// Keeps token buckets in Redis so that every replica draws on one budget: one Lua script reserves across all of a
/// request's buckets atomically (GCRA, all or none) on Redis's own clock, so replicas with skewed clocks agree.
/// </summary>
/// <remarks>
/// <para>
/// Each bucket is one string key, <c>&lt;prefix&gt;:rl:&lt;bucket key&gt;</c>, holding its theoretical arrival time in
/// microseconds of Redis time; it expires once the bucket is full again (TAT - now + tau), so idle buckets vanish.
/// </para>
/// <para>
/// Keys are not hash-tagged: a request's buckets (tenant, policy, identity) hash to different slots, so on a Redis
/// Cluster the script would be refused. A cluster works when the prefix itself is a hash tag (<c>prefix: "{kesgw}"</c>):
/// every key then lives in one slot, on one shard, which a rate limiter's load fits easily.
/// </para>
/// <para>
/// Every call is bounded by <see cref="RedisConfig.Timeout"/> and fails fast while the connection is down (no backlog);
/// <see cref="FallbackRateLimitStore"/> turns those failures into local answers. The one multiplexer is created here,
/// reconnects in the background, and is disposed with the store.
/// </para>
/// </remarks>
internal sealed class RedisRateLimitStore : IRateLimitStore, IAsyncDisposable
{
    /// <summary>The GCRA reservation over N keys, all or none.</summary>
    /// <remarks>
    /// KEYS: one per bucket. ARGV[1]: the longest wait accepted, µs; then per bucket its emission interval T and its
    /// tolerance tau = T * (burst - 1), µs. Returns { granted 0/1, longest wait µs (rounded up), 0-based index of the
    /// bucket with the longest wait or -1 }. A refused reservation writes nothing. TAT is stored as whole µs of Redis
    /// time. StackExchange.Redis sends the text once per server (SCRIPT LOAD) and EVALSHA after that, and loads it
    /// again after a restart or a NOSCRIPT. <c>redis.replicate_commands</c> lets Redis before 5 replicate the writes of
    /// a script that read TIME; later versions always do, and 7 keeps it as a no-op.
    /// </remarks>
    internal const string ReserveScript = """
        pcall(redis.replicate_commands)
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local max_wait = tonumber(ARGV[1])
        local tats = {}
        local longest, limiting = 0, -1
        for i = 1, #KEYS do
          local tau = tonumber(ARGV[2 * i + 1])
          local tat = tonumber(redis.call('GET', KEYS[i]))
          if tat == nil or tat < now then tat = now end
          tats[i] = tat
          local wait = tat - tau - now
          if wait > longest then longest, limiting = wait, i - 1 end
        end
        if longest > max_wait then
          return { 0, math.ceil(longest), limiting }
        end
        for i = 1, #KEYS do
          local t = tonumber(ARGV[2 * i])
          local tau = tonumber(ARGV[2 * i + 1])
          local tat = tats[i] + t
          redis.call('SET', KEYS[i], string.format('%.0f', tat), 'PX', math.max(1, math.ceil((tat - now + tau) / 1000)))
        end
        return { 1, math.ceil(longest), limiting }
        """;

    private const double MicrosecondsPerSecond = 1_000_000;

    private readonly Task<ConnectionMultiplexer> _connection;
    private readonly string _keyPrefix;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    /// <summary>Starts connecting to <paramref name="config"/>'s servers; reservations fail until the connection is up.</summary>
    /// <param name="config">The Redis servers, credentials, key prefix and call timeout.</param>
    /// <param name="timeProvider">The clock that bounds each call (Redis's own clock decides the buckets).</param>
    public RedisRateLimitStore(RedisConfig config, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _keyPrefix = config.Prefix + ":rl:";
        _timeout = config.Timeout;
        _timeProvider = timeProvider;
        var options = CreateOptions(config);
        Endpoint = string.Join(",", config.Endpoint.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        _connection = ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Gets the servers, for log lines (never the credentials).</summary>
    public string Endpoint { get; }

    /// <inheritdoc/>
    /// <exception cref="RedisException">Redis failed: no connection, no answer within the timeout, or a script error.</exception>
    public async ValueTask<RateLimitReservation> ReserveAsync(IReadOnlyList<BucketRequest> buckets, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        ArgumentOutOfRangeException.ThrowIfZero(buckets.Count, nameof(buckets));
        var keys = new RedisKey[buckets.Count];
        var args = new RedisValue[1 + (2 * buckets.Count)];
        args[0] = maxWait.Ticks / (double)TimeSpan.TicksPerMicrosecond;
        for (var i = 0; i < buckets.Count; i++)
        {
            var bucket = buckets[i];
            if (!(bucket.Rate > 0) || double.IsInfinity(bucket.Rate))
            {
                throw new ArgumentOutOfRangeException(nameof(buckets), bucket.Rate, $"bucket {i}: the rate must be a positive number of tokens per second");
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(bucket.Burst, 1, nameof(buckets));
            var interval = MicrosecondsPerSecond / bucket.Rate;
            keys[i] = _keyPrefix + bucket.Key;
            args[1 + (2 * i)] = interval;
            args[2 + (2 * i)] = interval * (bucket.Burst - 1);
        }

        var result = await CallAsync(keys, args, cancellationToken).ConfigureAwait(false);
        return Parse(result);
    }

    /// <summary>Closes the connection; waits for a connection attempt still under way to end first.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            var connection = await _connection.ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // The connection never came up: nothing to close.
        }
    }

    private async Task<RedisResult> CallAsync(RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        // The deadline covers the first connection too, which may still be under way.
        var started = _timeProvider.GetTimestamp();
        Task<RedisResult>? call = null;
        var stage = "connect";
        try
        {
            var connection = await _connection.WaitAsync(_timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            stage = "answer";
            var left = _timeout - _timeProvider.GetElapsedTime(started);
            call = connection.GetDatabase().ScriptEvaluateAsync(ReserveScript, keys, args);
            return left > TimeSpan.Zero
                ? await call.WaitAsync(left, _timeProvider, cancellationToken).ConfigureAwait(false)
                : throw new TimeoutException();
        }
        catch (TimeoutException)
        {
            // The multiplexer checks its own timeouts only once a second; this bound is the one callers rely on.
            Observe(call);
            throw new RedisTimeoutException($"Redis did not {stage} within {_timeout.TotalMilliseconds:0} ms", CommandStatus.Unknown);
        }
        catch (OperationCanceledException)
        {
            Observe(call);
            throw;
        }
    }

    private static void Observe(Task? abandoned) =>
        abandoned?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static RateLimitReservation Parse(RedisResult result)
    {
        if (result.Resp2Type != ResultType.Array || result.Length != 3)
        {
            throw new RedisException($"the rate-limit script answered {result.Resp2Type} instead of an array of 3");
        }

        var granted = (long)result[0] == 1;
        var waitMicroseconds = Math.Max(0, (long)result[1]);
        var limiting = (int)(long)result[2];
        return new RateLimitReservation(granted, TimeSpan.FromMicroseconds(waitMicroseconds), limiting);
    }

    private static ConfigurationOptions CreateOptions(RedisConfig config)
    {
        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = false,
            ConnectTimeout = (int)Math.Clamp(config.Timeout.TotalMilliseconds * 4, 1000, 5000),
            AsyncTimeout = (int)Math.Max(1, config.Timeout.TotalMilliseconds),
            SyncTimeout = (int)Math.Max(1, config.Timeout.TotalMilliseconds),
            // While the connection is down, fail at once instead of queueing: the fallback answers locally meanwhile.
            BacklogPolicy = BacklogPolicy.FailFast,
            // Reconnect soon after a restart, but never hammer a server that stays down.
            ReconnectRetryPolicy = new ExponentialRetry(500, 5000),
            Ssl = config.Tls,
            User = string.IsNullOrEmpty(config.User) ? null : config.User,
            Password = string.IsNullOrEmpty(config.Password) ? null : config.Password,
            ClientName = "kesgw-ratelimit",
        };
        foreach (var endpoint in config.Endpoint.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            options.EndPoints.Add(endpoint);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException("the Redis endpoint list is empty", nameof(config));
        }

        return options;
    }
}

namespace KesGateway.Server.RateLimiting;

/// <summary>Token buckets in this process (GCRA on the injected clock): the budgets of one replica, or the fallback when Redis is away.</summary>
/// <remarks>
/// One lock guards every bucket: a reservation reads and writes a few timestamps, far less work than the request it
/// guards, and all-or-none across buckets needs them to move together. A bucket whose next arrival time has passed is
/// the same as no bucket, so idle ones are swept out as the table grows.
/// </remarks>
public sealed class MemoryRateLimitStore : IRateLimitStore
{
    private const int SweepEvery = 4096;

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Dictionary<string, long> _tat = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _sinceSweep;

    /// <summary>Creates the store on <paramref name="time"/>.</summary>
    public MemoryRateLimitStore(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>Gets the number of buckets held (idle ones are dropped now and then).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _tat.Count;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<RateLimitReservation> ReserveAsync(IReadOnlyList<BucketRequest> buckets, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        return ValueTask.FromResult(Reserve(buckets, maxWait));
    }

    /// <summary>Reserves synchronously; see <see cref="IRateLimitStore.ReserveAsync"/>.</summary>
    public RateLimitReservation Reserve(IReadOnlyList<BucketRequest> buckets, TimeSpan maxWait)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        var now = _time.GetElapsedTime(_origin).Ticks;
        Span<long> tats = buckets.Count <= 8 ? stackalloc long[buckets.Count] : new long[buckets.Count];
        lock (_lock)
        {
            var wait = 0L;
            var limiting = -1;
            for (var i = 0; i < buckets.Count; i++)
            {
                var (interval, tolerance) = Shape(buckets[i]);
                var tat = _tat.TryGetValue(buckets[i].Key, out var stored) && stored > now ? stored : now;
                tats[i] = tat + interval;
                var bucketWait = tat - tolerance - now;
                if (bucketWait > wait)
                {
                    wait = bucketWait;
                    limiting = i;
                }
            }

            if (wait > maxWait.Ticks)
            {
                return new RateLimitReservation(false, TimeSpan.FromTicks(wait), limiting);
            }

            for (var i = 0; i < buckets.Count; i++)
            {
                _tat[buckets[i].Key] = tats[i];
            }

            if (++_sinceSweep >= SweepEvery)
            {
                _sinceSweep = 0;
                foreach (var key in _tat.Where(e => e.Value <= now).Select(e => e.Key).ToList())
                {
                    _tat.Remove(key);
                }
            }

            return new RateLimitReservation(true, TimeSpan.FromTicks(wait), limiting);
        }
    }

    // GCRA: one token every interval; a full bucket lets burst requests through at once.
    private static (long Interval, long Tolerance) Shape(BucketRequest bucket)
    {
        var interval = (long)(TimeSpan.TicksPerSecond / bucket.Rate);
        return (interval, interval * (Math.Max(1, bucket.Burst) - 1));
    }
}

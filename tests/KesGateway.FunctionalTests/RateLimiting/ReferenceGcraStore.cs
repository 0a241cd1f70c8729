using KesGateway.Server.RateLimiting;

namespace KesGateway.FunctionalTests.RateLimiting;

/// <summary>
/// The contract spelled out as plainly as possible, on a <see cref="TimeProvider"/>: what the Redis script is compared
/// with, and the local store of the fallback tests (the real in-memory store is written elsewhere).
/// </summary>
internal sealed class ReferenceGcraStore(TimeProvider timeProvider) : IRateLimitStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, double> _tats = [];

    public int Calls { get; private set; }

    /// <summary>Each bucket's wait now, charging nothing.</summary>
    public TimeSpan[] Waits(IReadOnlyList<BucketRequest> buckets)
    {
        var now = Now();
        lock (_lock)
        {
            return [.. buckets.Select(b => TimeSpan.FromSeconds(Math.Max(0, Wait(b, now).Wait)))];
        }
    }

    public ValueTask<RateLimitReservation> ReserveAsync(IReadOnlyList<BucketRequest> buckets, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var now = Now();
        lock (_lock)
        {
            Calls++;
            var tats = new double[buckets.Count];
            double longest = 0;
            var limiting = -1;
            for (var i = 0; i < buckets.Count; i++)
            {
                (tats[i], var wait) = Wait(buckets[i], now);
                if (wait > longest)
                {
                    longest = wait;
                    limiting = i;
                }
            }

            var granted = longest <= maxWait.TotalSeconds;
            if (granted)
            {
                for (var i = 0; i < buckets.Count; i++)
                {
                    _tats[buckets[i].Key] = tats[i] + (1 / buckets[i].Rate);
                }
            }

            return ValueTask.FromResult(new RateLimitReservation(granted, TimeSpan.FromSeconds(longest), limiting));
        }
    }

    /// <summary>GCRA for one bucket: tat = max(TAT, now), wait = tat - tau - now with tau = T * (burst - 1).</summary>
    private (double Tat, double Wait) Wait(BucketRequest bucket, double now)
    {
        var interval = 1 / bucket.Rate;
        var tau = interval * (bucket.Burst - 1);
        var tat = Math.Max(_tats.GetValueOrDefault(bucket.Key, now), now);
        return (tat, tat - tau - now);
    }

    // Seconds, as doubles: exact enough for the tolerances the tests use.
    private double Now() => timeProvider.GetUtcNow().UtcTicks / (double)TimeSpan.TicksPerSecond;
}

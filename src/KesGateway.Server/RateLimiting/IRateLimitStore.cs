namespace KesGateway.Server.RateLimiting;

/// <summary>Where token buckets live: in this process, or in Redis so that several replicas share one budget.</summary>
/// <remarks>
/// Buckets follow GCRA (the generic cell rate algorithm): each bucket is one timestamp, the theoretical arrival time of
/// the next request, so a reservation is one atomic read-compare-write however many buckets a request passes.
/// </remarks>
public interface IRateLimitStore
{
    /// <summary>
    /// Reserves one token in every bucket, all or none: if the longest wait any bucket imposes is at most
    /// <paramref name="maxWait"/>, every bucket is charged and the request may proceed after that wait; otherwise no
    /// bucket is charged and the answer says how long the request would have had to wait.
    /// </summary>
    /// <param name="buckets">The buckets the request must pass (at least one).</param>
    /// <param name="maxWait">The longest wait the caller accepts.</param>
    /// <param name="cancellationToken">Cancels the reservation.</param>
    ValueTask<RateLimitReservation> ReserveAsync(IReadOnlyList<BucketRequest> buckets, TimeSpan maxWait, CancellationToken cancellationToken);
}

/// <summary>One bucket a request must pass.</summary>
/// <param name="Key">The bucket's identity, e.g. <c>acme/identity/&lt;hex&gt;/crypto</c>; never key material.</param>
/// <param name="Rate">Tokens per second.</param>
/// <param name="Burst">The bucket's size.</param>
public readonly record struct BucketRequest(string Key, double Rate, int Burst);

/// <summary>The outcome of a reservation.</summary>
/// <param name="Granted">Whether every bucket was charged.</param>
/// <param name="Wait">How long the request must wait before proceeding (granted), or would have had to wait (refused).</param>
/// <param name="Limiting">The index of the bucket that imposed the longest wait, or -1 when none made the request wait.</param>
public readonly record struct RateLimitReservation(bool Granted, TimeSpan Wait, int Limiting);

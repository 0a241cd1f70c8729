namespace KesGateway.Core.Keystore;

/// <summary>Caps how many key reads are in flight to a keystore at once; the others wait their turn.</summary>
/// <remarks>
/// The key cache already reads each key once however many requests want it; this protects the keystore (Vault) from a
/// miss storm across many keys at once, e.g. after a restart or an expiry tick. Only reads wait: writes, deletes,
/// listings and status checks are rare and pass straight through.
/// </remarks>
public sealed class ConcurrencyLimitedKeyStore : IKeyStore
{
    private readonly IKeyStore _inner;
    private readonly SemaphoreSlim _reads;
    private int _inFlight;
    private int _peak;

    /// <summary>Wraps <paramref name="inner"/> allowing <paramref name="maxConcurrentReads"/> reads at once.</summary>
    public ConcurrencyLimitedKeyStore(IKeyStore inner, int maxConcurrentReads)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentReads, 1);
        _inner = inner;
        MaxConcurrentReads = maxConcurrentReads;
        _reads = new SemaphoreSlim(maxConcurrentReads, maxConcurrentReads);
    }

    /// <summary>Gets the cap.</summary>
    public int MaxConcurrentReads { get; }

    /// <summary>Gets the most reads that were ever in flight at once.</summary>
    public int PeakConcurrentReads => Volatile.Read(ref _peak);

    /// <summary>Gets the store behind the cap.</summary>
    public IKeyStore Inner => _inner;

    /// <inheritdoc/>
    public string Description => _inner.Description;

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await _reads.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = Interlocked.Increment(ref _inFlight);
            int peak;
            while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
            {
            }

            return await _inner.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _reads.Release();
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> CreateAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) => _inner.CreateAsync(name, value, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) => _inner.DeleteAsync(name, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) => _inner.ListAsync(prefix, cancellationToken);

    /// <inheritdoc/>
    public ValueTask StatusAsync(CancellationToken cancellationToken) => _inner.StatusAsync(cancellationToken);

    /// <summary>Does nothing: the inner store belongs to whoever created it, and the semaphore holds no handle (a read still
    /// waiting when the cache is replaced must be able to finish).</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

namespace KesGateway.Core.Keystore;

/// <summary>
/// A keystore that could not be reached at start: it keeps trying to connect in the background and, until it has,
/// answers every call with <see cref="KeyStoreUnreachableException"/>; afterwards it passes everything through.
/// </summary>
/// <remarks>Lets a server with a warm-start snapshot start during an outage instead of failing.</remarks>
public sealed class DeferredKeyStore : IKeyStore
{
    private readonly Func<CancellationToken, Task<IKeyStore>> _connect;
    private readonly TimeSpan _retryInterval;
    private readonly TimeProvider _time;
    private readonly Action<Exception>? _onRetryFailed;
    private readonly CancellationTokenSource _stopping = new();
    private IKeyStore? _inner;
    private Task? _loop;
    private int _disposed;

    /// <summary>Creates the store; call <see cref="Start"/> to begin connecting.</summary>
    /// <param name="description">The description of the store being connected to (no secrets).</param>
    /// <param name="connect">Connects to the real store; a <see cref="KeyStoreUnreachableException"/> means "try again later".</param>
    /// <param name="retryInterval">The pause between attempts.</param>
    /// <param name="time">The clock for the pauses.</param>
    /// <param name="onRetryFailed">Told about each failed attempt (for a debug log); must not throw.</param>
    public DeferredKeyStore(string description, Func<CancellationToken, Task<IKeyStore>> connect, TimeSpan retryInterval, TimeProvider time, Action<Exception>? onRetryFailed = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryInterval, TimeSpan.Zero);
        Description = description;
        _connect = connect;
        _retryInterval = retryInterval;
        _time = time;
        _onRetryFailed = onRetryFailed;
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>Gets whether the real store has been reached.</summary>
    public bool IsConnected => Volatile.Read(ref _inner) is not null;

    /// <summary>Gets a task that completes when the real store has been reached (or the store is disposed first).</summary>
    public Task Connected => _loop ?? Task.CompletedTask;

    /// <summary>Starts connecting in the background, first after one retry interval.</summary>
    public void Start() => _loop ??= Task.Run(() => ConnectLoopAsync(_stopping.Token));

    /// <inheritdoc/>
    public ValueTask<bool> CreateAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) =>
        Inner().CreateAsync(name, value, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<byte[]?> GetAsync(string name, CancellationToken cancellationToken) => Inner().GetAsync(name, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) => Inner().DeleteAsync(name, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) => Inner().ListAsync(prefix, cancellationToken);

    /// <inheritdoc/>
    public ValueTask StatusAsync(CancellationToken cancellationToken) => Inner().StatusAsync(cancellationToken);

    /// <summary>Stops connecting and closes the real store if it was reached.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (Interlocked.Exchange(ref _inner, null) is { } inner)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private IKeyStore Inner()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Volatile.Read(ref _inner) ?? throw new KeyStoreUnreachableException("keystore not connected yet: it could not be reached at start");
    }

    private async Task ConnectLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_retryInterval, _time, stopping).ConfigureAwait(false);
                var inner = await _connect(stopping).ConfigureAwait(false);
                if (stopping.IsCancellationRequested)
                {
                    await inner.DisposeAsync().ConfigureAwait(false);
                    return;
                }

                Volatile.Write(ref _inner, inner);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is KeyStoreException or OperationCanceledException)
            {
                _onRetryFailed?.Invoke(ex);
            }
        }
    }
}

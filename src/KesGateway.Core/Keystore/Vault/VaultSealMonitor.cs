using Microsoft.Extensions.Logging;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>
/// Probes <c>sys/health</c> every <see cref="VaultOptions.StatusPing"/> (the first probe at once) and keeps the sealed
/// flag that short-circuits key operations and pauses renewal (vault-compat §4.5). A failed probe keeps the last known
/// state, as in KES, so "sealed, then unreachable" keeps failing fast.
/// </summary>
internal sealed class VaultSealMonitor : IAsyncDisposable
{
    /// <summary>KES's query (Go SDK v1.15, keys sorted): every non-active state answers 299, so the body decides.</summary>
    internal const string HealthQuery = "drsecondarycode=299&performancestandbycode=299&sealedcode=299&standbycode=299&uninitcode=299";

    private readonly VaultTransport _transport;
    private readonly VaultOptions _options;
    private readonly Func<string?> _token;
    private readonly VaultSecrets _secrets;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _sealed;
    private int _waits;
    private int _probes;

    /// <summary>Creates the monitor; <paramref name="token"/> reads the current Vault token.</summary>
    public VaultSealMonitor(VaultTransport transport, VaultOptions options, Func<string?> token, VaultSecrets secrets, ILogger logger, string endpoint)
    {
        _transport = transport;
        _options = options;
        _token = token;
        _secrets = secrets;
        _logger = logger;
        _endpoint = endpoint;
        _time = options.TimeProvider;
    }

    /// <summary>Gets whether the latest successful probe found Vault sealed.</summary>
    public bool IsSealed => Volatile.Read(ref _sealed) != 0;

    /// <summary>Gets how many timed waits the loop has started (tests).</summary>
    internal int Waits => Volatile.Read(ref _waits);

    /// <summary>Gets how many probes the loop has finished, successful or not (tests).</summary>
    internal int Probes => Volatile.Read(ref _probes);

    /// <summary>Starts the loop; the first probe runs at once.</summary>
    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Asks <c>sys/health</c>, without a namespace header (root-only endpoint, hashicorp/vault#14934), and records the seal state.</summary>
    /// <exception cref="VaultTransportException">No answer.</exception>
    /// <exception cref="KeyStoreException">An answer that is not a health report.</exception>
    public async Task<VaultHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        var request = new VaultRequest { Method = HttpMethod.Get, Path = "sys/health", Query = HealthQuery, Token = _token() };
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // The Go SDK accepts 200–399, and 429 (a standby's default code) for sys/health only.
        if (response.StatusCode is < 200 or >= 400 && response.StatusCode != 429)
        {
            throw new KeyStoreException(_secrets.Scrub("vault: failed to check health: " + response.Describe()));
        }

        if (VaultJson.Boolean(response.Envelope, "initialized") is not { } initialized
            || VaultJson.Boolean(response.Envelope, "sealed") is not { } @sealed)
        {
            throw new KeyStoreException($"vault: failed to check health: {response.Method} {response.Url.AbsoluteUri}: not a health report (status {response.Status})");
        }

        Record(@sealed || !initialized);
        return new VaultHealth(initialized, @sealed);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var started = _time.GetUtcNow();
            try
            {
                await ProbeAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is VaultTransportException or KeyStoreException)
            {
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    _logger.HealthProbeFailed(_secrets.Scrub(ex.Message));
                }
            }

            Interlocked.Increment(ref _probes);
            var delay = started + _options.StatusPing - _time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                var wait = Task.Delay(delay, _time, stopping);
                Interlocked.Increment(ref _waits);
                await wait.ConfigureAwait(false);
            }
        }
    }

    private void Record(bool @sealed)
    {
        var previous = Interlocked.Exchange(ref _sealed, @sealed ? 1 : 0);
        if (@sealed && previous == 0)
        {
            _logger.Sealed(_endpoint);
        }
        else if (!@sealed && previous != 0)
        {
            _logger.Unsealed(_endpoint);
        }
    }
}

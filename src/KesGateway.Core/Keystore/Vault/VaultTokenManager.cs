using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>
/// Logs in (AppRole or Kubernetes) and keeps the token alive (vault-compat §5), with the recommendations of §5.4/§13:
/// renew at 80 % of the TTL and log in again when renewal fails; a renewal that leaves less than 30 s logs in at once;
/// a new token replaces the old one only after min(10 % of its TTL, 30 s), so Vault can replicate it; failed logins
/// are repeated every 3 s; nothing happens while Vault is sealed; and a call rejected with "invalid token" triggers an
/// immediate, rate-limited login (KES waits for the next scheduled renewal).
/// </summary>
internal sealed class VaultTokenManager : IAsyncDisposable
{
    /// <summary>A renewal leaving less than this logs in again at once (KES's <c>Delay</c>).</summary>
    internal static readonly TimeSpan RenewalMargin = TimeSpan.FromSeconds(30);


    /// <summary>The pause while Vault is sealed.</summary>
    internal static readonly TimeSpan SealedPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The shortest time between two logins triggered by "invalid token" answers.</summary>
    internal static readonly TimeSpan InvalidTokenLoginInterval = TimeSpan.FromSeconds(10);

    private readonly VaultTransport _transport;
    private readonly VaultOptions _options;
    private readonly VaultSecrets _secrets;
    private readonly ILogger _logger;
    private readonly Func<bool> _isSealed;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _loginLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenSource _wake = new();
    private VaultToken? _token;
    private DateTimeOffset? _lastInvalidTokenLogin;
    private Task _loop = Task.CompletedTask;
    private int _waits;

    /// <summary>Creates the manager; <paramref name="isSealed"/> reads the seal monitor's flag.</summary>
    public VaultTokenManager(VaultTransport transport, VaultOptions options, VaultSecrets secrets, ILogger logger, Func<bool> isSealed)
    {
        _transport = transport;
        _options = options;
        _secrets = secrets;
        _logger = logger;
        _isSealed = isSealed;
        _time = options.TimeProvider;
        if (options.AppRole is { } appRole)
        {
            AuthPath = VaultPath.Join("auth", appRole.Engine, "login");
            LoginNamespace = NamespaceOfLogin(appRole.Namespace, options.Namespace);
            _secrets.Add(appRole.Secret);
        }
        else
        {
            var kubernetes = options.Kubernetes!;
            AuthPath = VaultPath.Join("auth", kubernetes.Engine, "login");
            LoginNamespace = NamespaceOfLogin(kubernetes.Namespace, options.Namespace);
            _secrets.Add(kubernetes.Jwt);
        }
    }

    /// <summary>Gets the login path, e.g. <c>auth/approle/login</c>.</summary>
    public string AuthPath { get; }

    /// <summary>Gets the namespace header of logins and of <c>renew-self</c> (the namespace the token lives in), or <see langword="null"/>.</summary>
    public string? LoginNamespace { get; }

    /// <summary>Gets the current token, or <see langword="null"/> before the first login.</summary>
    public string? Token => Volatile.Read(ref _token)?.Value;

    /// <summary>Gets the current token's state (tests).</summary>
    internal VaultToken? Current => Volatile.Read(ref _token);

    /// <summary>Gets how many timed waits the renewal loop has started (tests advance a fake clock after each).</summary>
    internal int Waits => Volatile.Read(ref _waits);

    /// <summary>Gets the length of the renewal loop's latest wait.</summary>
    internal TimeSpan LastWait { get; private set; }

    /// <summary>Gets the renewal loop (tests).</summary>
    internal Task Loop => _loop;

    /// <summary>
    /// The login namespace rule of vault-compat §5.3: empty → the keystore namespace (none if that is empty),
    /// <c>/</c> → the root namespace (no header), anything else as given.
    /// </summary>
    internal static string? NamespaceOfLogin(string? loginNamespace, string? keystoreNamespace) => loginNamespace switch
    {
        null or "" => string.IsNullOrEmpty(keystoreNamespace) ? null : keystoreNamespace,
        "/" => null,
        _ => loginNamespace,
    };

    /// <summary>Logs in once; startup fails with the returned exception's message if it does not succeed.</summary>
    /// <exception cref="KeyStoreException">The login failed (<see cref="KeyStoreUnreachableException"/> when Vault is down or sealed).</exception>
    public async Task LoginAtStartupAsync(CancellationToken cancellationToken)
    {
        var token = await LoginAsync(cancellationToken).ConfigureAwait(false);
        Install(token);
    }

    /// <summary>Starts the renewal loop.</summary>
    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>
    /// Called when Vault rejected <paramref name="rejectedToken"/> as invalid: logs in at once unless another caller
    /// already did or a login of this kind ran less than <see cref="InvalidTokenLoginInterval"/> ago.
    /// </summary>
    /// <returns>Whether a different token is now current, so the call is worth repeating once.</returns>
    public async Task<bool> ReplaceInvalidTokenAsync(string rejectedToken, CancellationToken cancellationToken)
    {
        if (Token != rejectedToken)
        {
            return true;
        }

        await _loginLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Token != rejectedToken)
            {
                return true;
            }

            var now = _time.GetUtcNow();
            if (_lastInvalidTokenLogin is { } last && now - last < InvalidTokenLoginInterval)
            {
                return false;
            }

            _lastInvalidTokenLogin = now;
            _logger.InvalidToken();
            try
            {
                Install(await LoginAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (KeyStoreException ex)
            {
                _logger.LoginFailed(AuthPath, TimeSpan.Zero, ex.Message);
                return false;
            }

            Wake();
            return true;
        }
        finally
        {
            _loginLock.Release();
        }
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
        _wake.Dispose();
        _loginLock.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stopping).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug must not end renewal for good: report it and start over.
                _logger.RenewalFailed(_secrets.Scrub(ex.Message));
                await WaitAsync(_options.LoginRetryInterval, CancellationToken.None, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task RunOnceAsync(CancellationToken stopping)
    {
        var neverExpiresLogged = false;
        while (!stopping.IsCancellationRequested)
        {
            // Read the wake signal before the state: a token installed in between then wakes the wait below.
            var wake = Volatile.Read(ref _wake).Token;
            var state = Current!;
            if (_isSealed())
            {
                await WaitAsync(SealedPollInterval, wake, stopping).ConfigureAwait(false);
                continue;
            }

            if (state.NeedsLogin)
            {
                if (await TryLoginAsync(_options.LoginRetryInterval, stopping).ConfigureAwait(false) is { } fresh)
                {
                    // The old token is dead or about to be: use the new one at once.
                    Interlocked.CompareExchange(ref _token, fresh, state);
                    continue;
                }

                await WaitAsync(_options.LoginRetryInterval, wake, stopping).ConfigureAwait(false);
                continue;
            }

            if (state.Ttl <= TimeSpan.Zero)
            {
                if (!neverExpiresLogged)
                {
                    _logger.TokenNeverExpires();
                    neverExpiresLogged = true;
                }

                await WaitAsync(Timeout.InfiniteTimeSpan, wake, stopping).ConfigureAwait(false);
                continue;
            }

            var due = state.ObtainedAt + (state.Ttl * 0.8);
            if (!await WaitAsync(due - _time.GetUtcNow(), wake, stopping).ConfigureAwait(false)
                || !ReferenceEquals(Current, state) || _isSealed())
            {
                continue;
            }

            var rejected = new StrongBox<bool>();
            var next = state.Renewable ? await TryRenewAsync(state, rejected, stopping).ConfigureAwait(false) : null;

            // A token Vault no longer accepts is replaced at once; there is nothing to wait for.
            var oldTokenLeft = rejected.Value ? TimeSpan.Zero : TimeSpan.MaxValue;
            if (next is not null && next.Value == state.Value)
            {
                if (next.Ttl <= TimeSpan.Zero || next.Ttl >= RenewalMargin)
                {
                    _logger.TokenRenewed(next.Ttl);
                    Interlocked.CompareExchange(ref _token, next, state);
                    continue;
                }

                // Capped by the token's max TTL: log in now rather than let it expire (KES has a window of 403s here).
                _logger.RenewalCapped(next.Ttl);
                if (!ReferenceEquals(Interlocked.CompareExchange(ref _token, next, state), state))
                {
                    continue;
                }

                oldTokenLeft = next.Ttl;
                state = next;
                next = null;
            }

            next ??= await TryLoginAsync(_options.LoginRetryInterval, stopping).ConfigureAwait(false);
            if (next is null)
            {
                // The old token may still work for a while; keep it and log in again every 3 s until one succeeds.
                Interlocked.CompareExchange(ref _token, state with { NeedsLogin = true }, state);
                await WaitAsync(_options.LoginRetryInterval, wake, stopping).ConfigureAwait(false);
                continue;
            }

            // Give the new token time to reach every Vault node (PR #488): min(10 % of its TTL, 30 s), computed from the
            // new TTL, and never longer than half of what the old token has left (20 % of its TTL, or a capped renewal).
            var delay = TimeSpan.FromTicks(Math.Min(Math.Min(next.Ttl.Ticks / 10, RenewalMargin.Ticks), oldTokenLeft.Ticks / 2));
            await WaitAsync(delay, CancellationToken.None, stopping).ConfigureAwait(false);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _token, next, state), state))
            {
                _logger.TokenSwitched(delay);
            }
        }
    }

    private async Task<VaultToken?> TryLoginAsync(TimeSpan retryIn, CancellationToken stopping)
    {
        try
        {
            return await LoginAsync(stopping).ConfigureAwait(false);
        }
        catch (KeyStoreException ex)
        {
            _logger.LoginFailed(AuthPath, retryIn, ex.Message);
            return null;
        }
    }

    /// <summary>Renews <paramref name="state"/>; <paramref name="rejected"/> tells that Vault called the token invalid (expired or revoked).</summary>
    private async Task<VaultToken?> TryRenewAsync(VaultToken state, StrongBox<bool> rejected, CancellationToken stopping)
    {
        // The transport makes up to three attempts and none after a 4xx: the "3 tries, stop on 4xx" of §5.4.
        var body = VaultJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("increment", 0);
            w.WriteEndObject();
        });
        var request = new VaultRequest
        {
            Method = HttpMethod.Put,
            Path = "auth/token/renew-self",
            Body = body,
            Namespace = LoginNamespace,
            Token = state.Value,
        };
        try
        {
            using var response = await _transport.SendAsync(request, stopping).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                rejected.Value = response.StatusCode == 403 && response.ErrorsContain("invalid token");
                _logger.RenewalFailed(_secrets.Scrub(response.StatusCode >= 400 ? response.Describe() : "server responded with: " + response.Status));
                return null;
            }

            var token = ParseToken(response);
            if (token is null)
            {
                _logger.RenewalFailed("Vault's answer holds no token");
                return null;
            }

            _secrets.Add(token.Value);
            return token;
        }
        catch (VaultTransportException ex)
        {
            _logger.RenewalFailed(_secrets.Scrub(ex.Message));
            return null;
        }
    }

    private async Task<VaultToken> LoginAsync(CancellationToken cancellationToken)
    {
        var body = await LoginBodyAsync(cancellationToken).ConfigureAwait(false);
        var request = new VaultRequest
        {
            Method = HttpMethod.Put,
            Path = AuthPath,
            Body = body,
            Namespace = LoginNamespace,

            // Re-logins carry the current (maybe expired) token, as KES's do; Vault ignores it on login paths.
            Token = Token,
        };
        try
        {
            using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode >= 400)
            {
                var message = _secrets.Scrub("vault: authentication failed: " + response.Describe());
                throw response.StatusCode == 503 ? new KeyStoreUnreachableException(message) : new KeyStoreException(message);
            }

            if (!response.IsSuccess)
            {
                throw new KeyStoreException($"vault: authentication failed: server responded with: {response.Status}");
            }

            var token = ParseToken(response)
                ?? throw new KeyStoreException("vault: authentication failed: SDK returned no error but also no token");
            _secrets.Add(token.Value);
            _logger.LoginSucceeded(AuthPath, token.Ttl, token.Renewable);
            return token;
        }
        catch (VaultTransportException ex)
        {
            var message = _secrets.Scrub("vault: authentication failed: " + ex.Message);
            throw ex.Unreachable ? new KeyStoreUnreachableException(message) : new KeyStoreException(message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    private async Task<byte[]> LoginBodyAsync(CancellationToken cancellationToken)
    {
        if (_options.AppRole is { } appRole)
        {
            return VaultJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("role_id", appRole.Id);
                w.WriteString("secret_id", appRole.Secret);
                w.WriteEndObject();
            });
        }

        var kubernetes = _options.Kubernetes!;
        var jwt = kubernetes.Jwt;
        if (!string.IsNullOrEmpty(kubernetes.JwtFile))
        {
            // Read at every login: projected service-account tokens are rotated on disk (minio/kes#318, PR #491).
            try
            {
                jwt = await File.ReadAllTextAsync(kubernetes.JwtFile, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new KeyStoreException($"vault: failed to read vault kubernetes JWT from '{kubernetes.JwtFile}': {ex.Message}", ex);
            }

            _secrets.Add(jwt);
            _secrets.Add(jwt.Trim());
        }

        return VaultJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("jwt", jwt);
            w.WriteString("role", kubernetes.Role);
            w.WriteEndObject();
        });
    }

    private VaultToken? ParseToken(VaultResponse response)
    {
        // As the Go SDK: auth.client_token else data.id; auth.lease_duration if > 0 else data.ttl; auth.renewable else data.renewable.
        var auth = VaultJson.Member(response.Envelope, "auth");
        var data = VaultJson.Member(response.Envelope, "data");
        var value = VaultJson.String(auth, "client_token");
        if (string.IsNullOrEmpty(value))
        {
            value = VaultJson.String(data, "id");
        }

        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var seconds = VaultJson.Seconds(auth, "lease_duration");
        if (seconds <= 0)
        {
            seconds = VaultJson.Seconds(data, "ttl");
        }

        var renewable = auth is { ValueKind: JsonValueKind.Object } ? VaultJson.Boolean(auth, "renewable") : VaultJson.Boolean(data, "renewable");
        return new VaultToken(value, TimeSpan.FromSeconds(Math.Max(0, seconds)), renewable ?? false, _time.GetUtcNow());
    }

    private void Install(VaultToken token)
    {
        _secrets.Add(token.Value);
        Volatile.Write(ref _token, token);
    }

    private void Wake()
    {
        // Not disposed: the loop may still be linking to its token; a source without a timer needs no disposal.
        var previous = Interlocked.Exchange(ref _wake, new CancellationTokenSource());
        previous.Cancel();
    }

    /// <summary>Waits <paramref name="delay"/> on the clock; returns <see langword="false"/> when woken early.</summary>
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken wake, CancellationToken stopping)
    {
        if (delay != Timeout.InfiniteTimeSpan && delay <= TimeSpan.Zero)
        {
            return !wake.IsCancellationRequested;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(wake, stopping);
        var wait = Task.Delay(delay, _time, linked.Token);
        LastWait = delay;
        Interlocked.Increment(ref _waits);
        try
        {
            await wait.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return false;
        }
    }
}

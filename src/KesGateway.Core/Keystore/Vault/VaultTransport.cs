using System.Globalization;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using KesGateway.Core.Client;
using Microsoft.Extensions.Logging;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>
/// Sends Vault API calls the way Vault's Go SDK does for KES (vault-compat §2): fixed headers, up to
/// <see cref="VaultOptions.RetryCount"/> retries with linear jittered back-off on the <see cref="TimeProvider"/>, one
/// followed redirect that may not downgrade to <c>http</c>, one timeout over the whole call, and bounded bodies.
/// </summary>
internal sealed class VaultTransport : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly Uri _baseUri;
    private readonly VaultOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string?> _lastTlsFailure;
    private int _waits;

    /// <summary>Creates the transport over <paramref name="handler"/>; <paramref name="baseUri"/> ends with <c>/</c>.</summary>
    public VaultTransport(HttpMessageHandler handler, bool disposeHandler, Uri baseUri, VaultOptions options, ILogger logger, Func<string?>? lastTlsFailure = null)
    {
        _invoker = new HttpMessageInvoker(handler, disposeHandler);
        _baseUri = baseUri;
        _options = options;
        _time = options.TimeProvider;
        _logger = logger;
        _lastTlsFailure = lastTlsFailure ?? (() => null);
    }

    /// <summary>Gets how many back-off waits have started (tests advance a fake clock after each).</summary>
    internal int Waits => Volatile.Read(ref _waits);

    /// <summary>Gets the length of the latest back-off wait.</summary>
    internal TimeSpan LastWait { get; private set; }

    /// <summary>Gets the absolute URL of <paramref name="request"/>.</summary>
    public Uri UrlOf(VaultRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var relative = "v1/" + request.Path;
        if (!string.IsNullOrEmpty(request.Query))
        {
            relative += "?" + request.Query;
        }

        return new Uri(_baseUri, relative);
    }

    /// <summary>Sends <paramref name="request"/>, retrying what the Go SDK retries, and returns the final answer.</summary>
    /// <exception cref="VaultTransportException">No usable answer (after retries where they apply).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<VaultResponse> SendAsync(VaultRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = UrlOf(request);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var attempts = 1 + Math.Max(0, _options.RetryCount);
        for (var attempt = 1; ; attempt++)
        {
            VaultResponse? response = null;
            Exception? failure = null;
            try
            {
                response = await SendOnceAsync(request, url, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
            {
                throw TimedOut(request, url, ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                failure = ex;
            }
            catch (OperationCanceledException ex) when (!linked.IsCancellationRequested)
            {
                // Not our tokens: the handler's connect timeout (a TaskCanceledException around a TimeoutException).
                failure = ex;
            }

            var retryable = failure is not null ? IsRetryable(failure) : IsRetryable(response!.StatusCode);
            if (!retryable || attempt >= attempts)
            {
                return failure is null ? response! : throw Wrap(request, url, failure);
            }

            var reason = failure is null ? response!.Status : Describe(failure);
            response?.Dispose();
            var delay = Backoff(attempt);
            _logger.RequestRetried(request.Method.Method, request.Path, reason, attempt + 1, delay);
            try
            {
                var wait = Task.Delay(delay, _time, linked.Token);
                LastWait = delay;
                Interlocked.Increment(ref _waits);
                await wait.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
            {
                throw TimedOut(request, url, ex);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _invoker.Dispose();

    /// <summary>The Go SDK's retry rule for answers: 412, 429 and 5xx except 501 (and a status of 0).</summary>
    internal static bool IsRetryable(int status) => status is 0 or 412 or 429 || (status >= 500 && status != 501);

    /// <summary>Transport errors are retried, except TLS failures (certificate verification cannot fix itself).</summary>
    internal static bool IsRetryable(Exception failure) => !IsTlsFailure(failure);

    private static bool IsTlsFailure(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return true;
            }
        }

        return failure is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError };
    }

    private static bool IsUnreachable(Exception failure) =>
        failure is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
            or OperationCanceledException { InnerException: TimeoutException };

    private async Task<VaultResponse> SendOnceAsync(VaultRequest request, Uri url, CancellationToken cancellationToken)
    {
        using var message = Build(request, url);
        var answer = await _invoker.SendAsync(message, cancellationToken).ConfigureAwait(false);
        HttpRequestMessage? redirected = null;
        try
        {
            // The Go SDK follows one 301/302/307 itself, re-sending the same method and body; a second is returned as is.
            if (answer.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.TemporaryRedirect
                && answer.Headers.Location is { } location)
            {
                var target = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (url.Scheme == Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttps)
                {
                    throw new VaultTransportException(
                        $"{request.Method.Method} {url.AbsoluteUri}: redirect to {target.GetLeftPart(UriPartial.Path)} would cause protocol downgrade",
                        unreachable: false);
                }

                answer.Dispose();
                redirected = Build(request, target);
                answer = await _invoker.SendAsync(redirected, cancellationToken).ConfigureAwait(false);
                url = target;
            }

            using var body = await BoundedBody.ReadAsync(answer.Content, request.BodyLimit, cancellationToken).ConfigureAwait(false);
            if (body.Truncated)
            {
                throw new VaultTransportException(
                    $"{request.Method.Method} {url.AbsoluteUri}: response body exceeds {request.BodyLimit.ToString(CultureInfo.InvariantCulture)} bytes",
                    unreachable: false);
            }

            return new VaultResponse(request.Method.Method, url, request.Namespace, answer.StatusCode, answer.ReasonPhrase, body.Span.ToArray());
        }
        finally
        {
            answer.Dispose();
            redirected?.Dispose();
        }
    }

    private static HttpRequestMessage Build(VaultRequest request, Uri url)
    {
        var message = new HttpRequestMessage(request.Method, url)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        message.Headers.TryAddWithoutValidation("X-Vault-Request", "true");
        if (!string.IsNullOrEmpty(request.Token))
        {
            message.Headers.TryAddWithoutValidation("X-Vault-Token", request.Token);
        }

        if (!string.IsNullOrEmpty(request.Namespace))
        {
            message.Headers.TryAddWithoutValidation("X-Vault-Namespace", request.Namespace);
        }

        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
        }

        return message;
    }

    private TimeSpan Backoff(int attempt)
    {
        // Linear jitter: n × uniform(1.0, 1.5) × base; Retry-After is ignored, as by the Go SDK.
        var jitter = 1.0 + (RandomNumberGenerator.GetInt32(0, 1001) / 2000.0);
        return TimeSpan.FromTicks((long)(attempt * jitter * _options.RetryBaseDelay.Ticks));
    }

    private VaultTransportException TimedOut(VaultRequest request, Uri url, Exception inner) =>
        new($"{request.Method.Method} {url.AbsoluteUri}: no answer within {_options.RequestTimeout} (timeout)", unreachable: true, inner);

    private VaultTransportException Wrap(VaultRequest request, Uri url, Exception failure) =>
        new($"{request.Method.Method} {url.AbsoluteUri}: {Describe(failure)}", IsUnreachable(failure), failure);

    private string Describe(Exception failure)
    {
        var parts = new List<string>();
        var tls = IsTlsFailure(failure);
        var reason = tls ? _lastTlsFailure() : null;
        if (tls)
        {
            parts.Add("tls");
        }

        for (var e = failure; e is not null; e = e.InnerException)
        {
            // HttpClient wraps TLS and socket errors in generic texts ("see inner exception"); keep the specific ones,
            // and say why our own CA check refused rather than that it did.
            if (e.Message.Contains("see inner exception", StringComparison.OrdinalIgnoreCase)
                || (reason is not null && e.Message.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal))
                || parts.Contains(e.Message))
            {
                continue;
            }

            parts.Add(e.Message.TrimEnd('.'));
        }

        if (reason is not null)
        {
            parts.Add(reason);
        }

        return string.Join(": ", parts);
    }
}

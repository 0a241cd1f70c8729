using System.Buffers;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KesGateway.Core.Identity;
using KesGateway.Core.Protocol;
using Org.BouncyCastle.Tls;

namespace KesGateway.Core.Client;

/// <summary>
/// A client for the KES API (kes-compat §2, §13) that authenticates with an API key or a client certificate, over
/// BouncyCastle TLS so that Ed25519 certificates work. Paths, methods and bodies follow the Go SDK (kms-go); errors are
/// <see cref="KesException"/>s. Thread-safe; create one per set of credentials and reuse it (connections are pooled).
/// </summary>
public sealed class KesClient : IDisposable
{
    private const int VersionLimit = 1024;
    private const string Json = "application/json";

    private readonly KesEndpoint[] _endpoints;
    private readonly KesHttpTransport _transport;
    private readonly HttpMessageInvoker _http;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _timeout;
    private int _preferred;

    /// <summary>Creates a client; no connection is made until the first call.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent or a file cannot be used; the message says which.</exception>
    public KesClient(KesClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoints is not { Count: > 0 })
        {
            throw new ArgumentException("no server endpoint specified", nameof(options));
        }

        if (options.ApiKey is not null && (options.CertificateFile is not null || options.PrivateKeyFile is not null))
        {
            throw new ArgumentException("API key and client certificate cannot be used at the same time", nameof(options));
        }

        if ((options.CertificateFile is null) != (options.PrivateKeyFile is null))
        {
            throw new ArgumentException(
                options.CertificateFile is null ? "a client private key needs its certificate" : "a client certificate needs its private key",
                nameof(options));
        }

        if (options.Timeout <= TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "the timeout must be positive");
        }

        _endpoints = [.. options.Endpoints.Select(KesEndpoint.Parse)];
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _timeout = options.Timeout;

        var credentials = options.ApiKey is not null
            ? TlsClientCredentials.FromApiKey(options.ApiKey, _timeProvider)
            : options.CertificateFile is not null
                ? TlsClientCredentials.FromPemFiles(options.CertificateFile, options.PrivateKeyFile!, options.PrivateKeyPassword)
                : null;
        var verifier = options.Insecure
            ? null
            : new ServerCertificateVerifier(options.CaFile is null ? null : ServerCertificateVerifier.LoadCaBundle(options.CaFile), _timeProvider);
        Identity = credentials?.Identity;

        var settings = new TlsSettings(TlsSettings.VersionsOf(options.TlsProtocols), credentials, verifier);
        _transport = new KesHttpTransport(settings, options.ConnectTimeout);
        _http = new HttpMessageInvoker(_transport.Handler, disposeHandler: false);
    }

    /// <summary>Gets the identity of the client certificate presented, or null when none is.</summary>
    public KesIdentity? Identity { get; }

    /// <summary>Gets the HTTP transport (for tests: connection counts, negotiated protocol).</summary>
    internal KesHttpTransport Transport => _transport;

    /// <summary>Gets the normalised endpoints (<c>https://host[:port]</c>), in the order they are tried.</summary>
    public IReadOnlyList<string> Endpoints => [.. _endpoints.Select(e => e.Display)];

    /// <summary>Gets the endpoint the next call tries first: the one that answered last (the first endpoint before any
    /// call). After a failover it names the server that actually answered.</summary>
    public string CurrentEndpoint => _endpoints[Volatile.Read(ref _preferred)].Display;

    /// <summary>Gets the server version (<c>GET /version</c>).</summary>
    public async Task<VersionResponse> VersionAsync(CancellationToken cancellationToken = default) =>
        await GetJsonAsync("/version", KesJsonContext.Default.VersionResponse, VersionLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Gets the server status (<c>GET /v1/status</c>).</summary>
    public async Task<StatusResponse> StatusAsync(CancellationToken cancellationToken = default) =>
        await GetJsonAsync("/v1/status", KesJsonContext.Default.StatusResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Checks readiness (<c>GET /v1/ready</c>); throws 504/502 <see cref="KesException"/>s when the keystore is not.</summary>
    public Task ReadyAsync(CancellationToken cancellationToken = default) =>
        SendNoContentAsync(HttpMethod.Get, "/v1/ready", null, cancellationToken);

    /// <summary>Lists the server's routes (<c>GET /v1/api</c>).</summary>
    public async Task<IReadOnlyList<ApiRouteResponse>> ApiAsync(CancellationToken cancellationToken = default) =>
        await GetJsonAsync("/v1/api", KesJsonContext.Default.IReadOnlyListApiRouteResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Gets the Prometheus text of <c>GET /v1/metrics</c>.</summary>
    public async Task<string> MetricsAsync(CancellationToken cancellationToken = default)
    {
        using var call = new Call(this, cancellationToken);
        var (response, endpoint) = await SendAsync(HttpMethod.Get, "/v1/metrics", null, call, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            using var body = await ReadBodyAsync(response, endpoint, BoundedBody.DefaultLimit, call, cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(body.Span);
        }
    }

    /// <summary>Gets <c>GET /v1/metrics</c> decoded as the Go SDK decodes it (<see cref="KesMetricSnapshot"/>).</summary>
    /// <exception cref="KesException">The call failed, or the answer is not Prometheus text (<see cref="KesErrorKind.InvalidResponse"/>).</exception>
    public async Task<KesMetricSnapshot> MetricSnapshotAsync(CancellationToken cancellationToken = default)
    {
        var text = await MetricsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return KesMetricSnapshot.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new KesException(KesErrorKind.InvalidResponse, $"invalid metrics from {CurrentEndpoint}: {ex.Message}", CurrentEndpoint, ex);
        }
    }

    /// <summary>Creates a key with fresh random material (<c>POST /v1/key/create/name</c>).</summary>
    public Task CreateKeyAsync(string name, CancellationToken cancellationToken = default) =>
        SendNoContentAsync(HttpMethod.Post, KesPaths.Join("/v1/key/create", name), null, cancellationToken);

    /// <summary>Imports 32 bytes of key material (<c>POST /v1/key/import/name</c>); <paramref name="cipher"/> is
    /// <c>AES256</c> or <c>ChaCha20</c> (what the kes CLI sends: <c>AES256</c>).</summary>
    public async Task ImportKeyAsync(string name, ReadOnlyMemory<byte> key, string cipher = "AES256", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        var body = JsonBody(writer =>
        {
            writer.WriteBase64String("key", key.Span);
            writer.WriteString("cipher", cipher);
        });
        try
        {
            await SendNoContentAsync(HttpMethod.Post, KesPaths.Join("/v1/key/import", name), new RequestBody(body, Json), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(body);
        }
    }

    /// <summary>Describes a key (<c>GET /v1/key/describe/name</c>).</summary>
    public async Task<DescribeKeyResponse> DescribeKeyAsync(string name, CancellationToken cancellationToken = default) =>
        await GetJsonAsync(KesPaths.Join("/v1/key/describe", name), KesJsonContext.Default.DescribeKeyResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Lists key names matching <paramref name="pattern"/> (empty or <c>*</c> = all; <c>GET /v1/key/list/pattern</c>).
    /// A non-empty <see cref="ListKeysResponse.ContinueAt"/> means the server returned one page only.</summary>
    public async Task<ListKeysResponse> ListKeysAsync(string pattern = "", CancellationToken cancellationToken = default) =>
        await GetJsonAsync(KesPaths.Join("/v1/key/list", pattern), KesJsonContext.Default.ListKeysResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes a key (<c>DELETE /v1/key/delete/name</c>).</summary>
    public Task DeleteKeyAsync(string name, CancellationToken cancellationToken = default) =>
        SendNoContentAsync(HttpMethod.Delete, KesPaths.Join("/v1/key/delete", name), null, cancellationToken);

    /// <summary>Generates a data key sealed with <paramref name="name"/>, bound to <paramref name="context"/>
    /// (<c>POST /v1/key/generate/name</c>). The caller owns (and should clear) the plaintext.</summary>
    public async Task<GenerateKeyResponse> GenerateKeyAsync(string name, ReadOnlyMemory<byte> context = default, CancellationToken cancellationToken = default)
    {
        // The SDK always sends a body: {} without context.
        var body = JsonBody(writer =>
        {
            if (!context.IsEmpty)
            {
                writer.WriteBase64String("context", context.Span);
            }
        });
        return await PostJsonAsync(KesPaths.Join("/v1/key/generate", name), new RequestBody(body, Json), KesJsonContext.Default.GenerateKeyResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Encrypts <paramref name="plaintext"/> with <paramref name="name"/> (<c>POST /v1/key/encrypt/name</c>).</summary>
    public async Task<byte[]> EncryptAsync(string name, ReadOnlyMemory<byte> plaintext, ReadOnlyMemory<byte> context = default, CancellationToken cancellationToken = default)
    {
        var body = JsonBody(writer =>
        {
            writer.WriteBase64String("plaintext", plaintext.Span);
            if (!context.IsEmpty)
            {
                writer.WriteBase64String("context", context.Span);
            }
        });
        try
        {
            var response = await PostJsonAsync(KesPaths.Join("/v1/key/encrypt", name), new RequestBody(body, Json), KesJsonContext.Default.EncryptKeyResponse, cancellationToken).ConfigureAwait(false);
            return response.Ciphertext ?? throw InvalidResponse("encrypt", "no ciphertext");
        }
        finally
        {
            Array.Clear(body);
        }
    }

    /// <summary>Decrypts <paramref name="ciphertext"/> (any KES format) with <paramref name="name"/> (<c>POST /v1/key/decrypt/name</c>).</summary>
    public async Task<byte[]> DecryptAsync(string name, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context = default, CancellationToken cancellationToken = default)
    {
        var body = JsonBody(writer =>
        {
            writer.WriteBase64String("ciphertext", ciphertext.Span);
            if (!context.IsEmpty)
            {
                writer.WriteBase64String("context", context.Span);
            }
        });
        var response = await PostJsonAsync(KesPaths.Join("/v1/key/decrypt", name), new RequestBody(body, Json), KesJsonContext.Default.DecryptKeyResponse, cancellationToken).ConfigureAwait(false);
        return response.Plaintext ?? throw InvalidResponse("decrypt", "no plaintext");
    }

    /// <summary>Decrypts many ciphertexts with one call of the legacy <c>POST /v1/key/bulk/decrypt/name</c> (KES v0.19–v0.22
    /// and KesGateway; at most 1000). Plaintexts come back in request order.</summary>
    public async Task<IReadOnlyList<byte[]>> BulkDecryptAsync(string name, IReadOnlyList<DecryptKeyRequest> ciphertexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ciphertexts);
        var body = JsonSerializer.SerializeToUtf8Bytes(ciphertexts, KesJsonContext.Default.IReadOnlyListDecryptKeyRequest);
        var responses = await PostJsonAsync(KesPaths.Join("/v1/key/bulk/decrypt", name), new RequestBody(body, Json), KesJsonContext.Default.IReadOnlyListDecryptKeyResponse, cancellationToken).ConfigureAwait(false);
        if (responses.Count != ciphertexts.Count)
        {
            throw InvalidResponse("bulk decrypt", $"{responses.Count} plaintexts for {ciphertexts.Count} ciphertexts");
        }

        return [.. responses.Select(r => r.Plaintext ?? throw InvalidResponse("bulk decrypt", "no plaintext"))];
    }

    /// <summary>Computes HMAC-SHA-256 of <paramref name="message"/> with the key's HMAC key (<c>PUT /v1/key/hmac/name</c>).</summary>
    public async Task<byte[]> HmacAsync(string name, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        // The SDK sends this body without a Content-Type.
        var body = JsonBody(writer => writer.WriteBase64String("message", message.Span));
        try
        {
            using var call = new Call(this, cancellationToken);
            var (response, endpoint) = await SendAsync(HttpMethod.Put, KesPaths.Join("/v1/key/hmac", name), new RequestBody(body, null), call, cancellationToken).ConfigureAwait(false);
            var result = await ReadJsonAsync(response, endpoint, KesJsonContext.Default.HmacResponse, BoundedBody.DefaultLimit, call, cancellationToken).ConfigureAwait(false);
            return result.Hmac ?? throw InvalidResponse("hmac", "no hmac");
        }
        finally
        {
            Array.Clear(body);
        }
    }

    /// <summary>Describes a policy (<c>GET /v1/policy/describe/name</c>).</summary>
    public async Task<DescribePolicyResponse> DescribePolicyAsync(string name, CancellationToken cancellationToken = default) =>
        await GetJsonAsync(KesPaths.Join("/v1/policy/describe", name), KesJsonContext.Default.DescribePolicyResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads a policy's allow and deny patterns (<c>GET /v1/policy/read/name</c>).</summary>
    public async Task<ReadPolicyResponse> ReadPolicyAsync(string name, CancellationToken cancellationToken = default) =>
        await GetJsonAsync(KesPaths.Join("/v1/policy/read", name), KesJsonContext.Default.ReadPolicyResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Lists policy names matching <paramref name="pattern"/> (<c>GET /v1/policy/list/pattern</c>).</summary>
    public async Task<ListPoliciesResponse> ListPoliciesAsync(string pattern = "", CancellationToken cancellationToken = default) =>
        await GetJsonAsync(KesPaths.Join("/v1/policy/list", pattern), KesJsonContext.Default.ListPoliciesResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Describes an identity (<c>GET /v1/identity/describe/identity</c>).</summary>
    public async Task<DescribeIdentityResponse> DescribeIdentityAsync(string identity, CancellationToken cancellationToken = default) =>
        await GetJsonAsync(KesPaths.Join("/v1/identity/describe", identity), KesJsonContext.Default.DescribeIdentityResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Describes the caller's own identity and policy (<c>GET /v1/identity/self/describe</c>).</summary>
    public async Task<SelfDescribeResponse> DescribeSelfAsync(CancellationToken cancellationToken = default) =>
        await GetJsonAsync("/v1/identity/self/describe", KesJsonContext.Default.SelfDescribeResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Lists identities matching <paramref name="pattern"/> (<c>GET /v1/identity/list/pattern</c>).</summary>
    public async Task<ListIdentitiesResponse> ListIdentitiesAsync(string pattern = "", CancellationToken cancellationToken = default) =>
        await GetJsonAsync(KesPaths.Join("/v1/identity/list", pattern), KesJsonContext.Default.ListIdentitiesResponse, BoundedBody.DefaultLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>Subscribes to the audit log (<c>GET /v1/log/audit</c>); when this returns, events are being delivered.</summary>
    public Task<KesLogSubscription<AuditEvent>> OpenAuditLogAsync(CancellationToken cancellationToken = default) =>
        OpenLogAsync("/v1/log/audit", KesJsonContext.Default.AuditEvent, cancellationToken);

    /// <summary>Subscribes to the error log (<c>GET /v1/log/error</c>); when this returns, events are being delivered.</summary>
    public Task<KesLogSubscription<ErrorEvent>> OpenErrorLogAsync(CancellationToken cancellationToken = default) =>
        OpenLogAsync("/v1/log/error", KesJsonContext.Default.ErrorEvent, cancellationToken);

    /// <summary>Streams audit events until cancelled or the server ends the stream (subscribes on first enumeration).</summary>
    public IAsyncEnumerable<AuditEvent> StreamAuditLogAsync(CancellationToken cancellationToken = default) =>
        StreamLogAsync(OpenAuditLogAsync, cancellationToken);

    /// <summary>Streams error-log events until cancelled or the server ends the stream (subscribes on first enumeration).</summary>
    public IAsyncEnumerable<ErrorEvent> StreamErrorLogAsync(CancellationToken cancellationToken = default) =>
        StreamLogAsync(OpenErrorLogAsync, cancellationToken);

    /// <summary>Closes pooled connections.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _transport.Dispose();
    }

    private static async IAsyncEnumerable<T> StreamLogAsync<T>(
        Func<CancellationToken, Task<KesLogSubscription<T>>> open,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscription = await open(cancellationToken).ConfigureAwait(false);
        await using (((IAsyncDisposable)subscription).ConfigureAwait(false))
        {
            await foreach (var item in subscription.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }

    private static byte[] JsonBody(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                write(writer);
                writer.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            // The body may hold key material or plaintext.
            buffer.Clear();
        }
    }

    private static KesException InvalidResponse(string operation, string what) =>
        new(KesErrorKind.InvalidResponse, $"invalid {operation} response from the server: {what}");

    private async Task<KesLogSubscription<T>> OpenLogAsync<T>(string path, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        // The deadline covers subscribing only; a log stream then runs until cancelled.
        using var call = new Call(this, cancellationToken);
        var (response, endpoint) = await SendAsync(HttpMethod.Get, path, null, call, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(call.Token).ConfigureAwait(false);
            return new KesLogSubscription<T>(response, body, typeInfo, endpoint.Display);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> typeInfo, int limit, CancellationToken cancellationToken)
    {
        using var call = new Call(this, cancellationToken);
        var (response, endpoint) = await SendAsync(HttpMethod.Get, path, null, call, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, endpoint, typeInfo, limit, call, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> PostJsonAsync<T>(string path, RequestBody body, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var call = new Call(this, cancellationToken);
        var (response, endpoint) = await SendAsync(HttpMethod.Post, path, body, call, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, endpoint, typeInfo, BoundedBody.DefaultLimit, call, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendNoContentAsync(HttpMethod method, string path, RequestBody? body, CancellationToken cancellationToken)
    {
        using var call = new Call(this, cancellationToken);
        var (response, _) = await SendAsync(method, path, body, call, cancellationToken).ConfigureAwait(false);
        response.Dispose();
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, KesEndpoint endpoint, JsonTypeInfo<T> typeInfo, int limit, Call call, CancellationToken cancellationToken)
    {
        using (response)
        {
            using var body = await ReadBodyAsync(response, endpoint, limit, call, cancellationToken).ConfigureAwait(false);
            try
            {
                return JsonSerializer.Deserialize(body.Span, typeInfo)
                    ?? throw new KesException(KesErrorKind.InvalidResponse, $"empty response from {endpoint}", endpoint.Display);
            }
            catch (JsonException ex)
            {
                throw new KesException(KesErrorKind.InvalidResponse, $"invalid response from {endpoint}: {ex.Message}", endpoint.Display, ex);
            }
        }
    }

    private async Task<BoundedBody> ReadBodyAsync(HttpResponseMessage response, KesEndpoint endpoint, int limit, Call call, CancellationToken cancellationToken)
    {
        BoundedBody body;
        try
        {
            body = await BoundedBody.ReadAsync(response.Content, limit, call.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Classify(ex, endpoint, call);
        }

        if (body.Truncated)
        {
            body.Dispose();
            throw new KesException(KesErrorKind.InvalidResponse, $"response from {endpoint} exceeds {limit} bytes", endpoint.Display);
        }

        return body;
    }

    // Tries the endpoints in turn, starting with the one that answered last, moving on after network errors and 5xx
    // other than 501 as kms-go does; returns a 2xx response (the caller disposes it) or throws.
    private async Task<(HttpResponseMessage Response, KesEndpoint Endpoint)> SendAsync(
        HttpMethod method, string path, RequestBody? body, Call call, CancellationToken cancellationToken)
    {
        var start = Volatile.Read(ref _preferred);
        KesException? last = null;
        for (var i = 0; i < _endpoints.Length; i++)
        {
            var index = (start + i) % _endpoints.Length;
            var endpoint = _endpoints[index];
            HttpResponseMessage response;
            using (var request = CreateRequest(method, endpoint, path, body))
            {
                try
                {
                    response = await _http.SendAsync(request, call.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    last = Classify(ex, endpoint, call);
                    if (last.IsRetryableOnOtherEndpoint)
                    {
                        continue;
                    }

                    throw last;
                }
            }

            if (response.IsSuccessStatusCode)
            {
                Volatile.Write(ref _preferred, index);
                return (response, endpoint);
            }

            using (response)
            {
                using var errorBody = await ReadBodyAsync(response, endpoint, BoundedBody.DefaultLimit, call, cancellationToken).ConfigureAwait(false);
                var error = KesErrorDecoder.Decode((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), errorBody.Span);
                last = new KesException(error, endpoint.Display);
            }

            if (!last.IsRetryableOnOtherEndpoint)
            {
                throw last;
            }
        }

        throw last!;
    }

    private static HttpRequestMessage CreateRequest(HttpMethod method, KesEndpoint endpoint, string path, RequestBody? body)
    {
        var request = new HttpRequestMessage(method, endpoint.RequestUri(path))
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = endpoint.Authority;
        if (body is { } b)
        {
            request.Content = new ByteArrayContent(b.Bytes);
            if (b.ContentType is not null)
            {
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(b.ContentType);
            }
        }

        return request;
    }

    // Called only when the caller did not cancel (a cancelled call surfaces as OperationCanceledException).
    private KesException Classify(Exception ex, KesEndpoint endpoint, Call call)
    {
        var presentedCertificate = Identity is not null;
        if (ex is OperationCanceledException && call.TimedOut)
        {
            return new KesException(KesErrorKind.Timeout, $"no answer from {endpoint} within {call.Timeout.TotalSeconds:0.###} s", endpoint.Display, ex);
        }

        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case KesTransportException transport:
                    return new KesException(transport.Kind, transport.Message, endpoint.Display, ex);
                case TlsFatalAlertReceived alert:
                    // TLS 1.3 servers judge the client certificate after the handshake: the alert arrives with the request.
                    return new KesException(
                        KesErrorKind.TlsHandshake,
                        $"{endpoint} closed the TLS connection ({TlsAlerts.Describe(alert.AlertDescription, presentedCertificate)})",
                        endpoint.Display,
                        ex);
                case SocketException socket when ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }:
                    return new KesException(KesErrorKind.Unreachable, $"cannot connect to {endpoint}: {socket.Message}", endpoint.Display, ex);
                case TimeoutException:
                    return new KesException(KesErrorKind.Unreachable, $"cannot connect to {endpoint}: timed out", endpoint.Display, ex);
            }
        }

        if (ex is OperationCanceledException)
        {
            // Not the caller and not the call deadline: the handler's connect timeout.
            return new KesException(KesErrorKind.Unreachable, $"cannot connect to {endpoint}: timed out", endpoint.Display, ex);
        }

        if (ex is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError })
        {
            return new KesException(KesErrorKind.Unreachable, $"cannot connect to {endpoint}: {ex.Message}", endpoint.Display, ex);
        }

        return new KesException(KesErrorKind.Network, $"request to {endpoint} failed: {ex.Message}", endpoint.Display, ex);
    }

    private readonly record struct RequestBody(byte[] Bytes, string? ContentType);

    // One call's deadline across all endpoints, on the client's TimeProvider, linked with the caller's token.
    private sealed class Call : IDisposable
    {
        private readonly CancellationTokenSource _deadline;
        private readonly CancellationTokenSource _linked;

        public Call(KesClient client, CancellationToken cancellationToken)
        {
            Timeout = client._timeout;
            _deadline = new CancellationTokenSource(client._timeout, client._timeProvider);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token);
        }

        public TimeSpan Timeout { get; }

        public CancellationToken Token => _linked.Token;

        public bool TimedOut => _deadline.IsCancellationRequested;

        public void Dispose()
        {
            _linked.Dispose();
            _deadline.Dispose();
        }
    }
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using KesGateway.Core.Client;
using KesGateway.Core.Identity;
using KesGateway.Core.Protocol;

namespace KesGateway.LoadTests;

/// <summary>The KES calls the scenarios are made of.</summary>
public enum KesCall
{
    Generate,
    Decrypt,
    BulkDecrypt,
    Status,
    Describe,

    /// <summary>A status call on a new TLS connection (HTTP/1.1 <c>Connection: close</c>): the handshake's cost.</summary>
    StatusNewConnection,
}

/// <summary>How the harness talks to a target: HTTP/1.1 or HTTP/2 with a client certificate, or the KES client with an API key.</summary>
public interface IKesTransport : IDisposable
{
    /// <summary>Gets a short description for reports (protocol and authentication).</summary>
    string Protocol { get; }

    string Auth { get; }

    /// <summary>Creates the key if it is missing and prepares the request bodies (a ciphertext to decrypt, a bulk batch).</summary>
    Task PrepareAsync(string key, int bulkSize, CancellationToken cancellationToken);

    /// <summary>Makes one call on the connection of <paramref name="worker"/>; returns the HTTP status (0 for a transport failure).</summary>
    ValueTask<int> CallAsync(KesCall call, int worker, CancellationToken cancellationToken);
}

/// <summary>Refuses anything that is not this machine: the harness is for loopback targets only.</summary>
public static class Loopback
{
    public static IPEndPoint Resolve(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (IPAddress.TryParse(target.Host.Trim('[', ']'), out var ip))
        {
            return IPAddress.IsLoopback(ip)
                ? new IPEndPoint(ip, target.Port)
                : throw new UsageException($"refusing target {target}: {ip} is not a loopback address; the harness only loads this machine (127.0.0.1, ::1, localhost)");
        }

        if (string.Equals(target.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, target.Port);
        }

        throw new UsageException($"refusing target {target}: only loopback targets are allowed (127.0.0.1, ::1, localhost); use --host to send another name as SNI and Host");
    }
}

/// <summary>SocketsHttpHandler transport: one handler per connection, so N connections are exactly N, over HTTP/1.1 or HTTP/2, with mTLS.</summary>
public sealed class HttpTransport : IKesTransport
{
    private readonly HttpMessageInvoker[] _connections;
    private readonly HttpMessageInvoker _fresh;
    private readonly Version _version;
    private readonly string _base;
    private readonly Dictionary<KesCall, (HttpMethod Method, string Path, byte[]? Body)> _calls = [];
    private static readonly byte[] GenerateBody = Encoding.UTF8.GetBytes("{\"context\":\"eyJidWNrZXQiOiJsb2FkIiwib2JqZWN0IjoibG9hZC9vYmplY3QifQ==\"}");

    public HttpTransport(Uri target, string? host, X509Certificate2? clientCertificate, int connections, bool http2, string auth = "certificate")
    {
        ArgumentNullException.ThrowIfNull(target);
        var endpoint = Loopback.Resolve(target);
        _version = http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        _base = $"https://{host ?? target.Host}:{target.Port}";
        Protocol = http2 ? "HTTP/2" : "HTTP/1.1";
        Auth = auth;
        _connections = new HttpMessageInvoker[Math.Max(1, connections)];
        for (var i = 0; i < _connections.Length; i++)
        {
            _connections[i] = new HttpMessageInvoker(Handler(endpoint, clientCertificate, http2));
        }

        // New-connection calls: as many connections as callers, each closed after its one request.
        var fresh = Handler(endpoint, clientCertificate, http2: false);
        fresh.MaxConnectionsPerServer = int.MaxValue;
        _fresh = new HttpMessageInvoker(fresh);
    }

    public string Protocol { get; }

    public string Auth { get; }

    /// <summary>Gets or sets the request a call makes; the side-by-side mode reads the bodies to build the ceiling's answers.</summary>
    public IReadOnlyDictionary<KesCall, (HttpMethod Method, string Path, byte[]? Body)> Calls => _calls;

    public async Task PrepareAsync(string key, int bulkSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = Uri.EscapeDataString(key);
        using (var create = await SendAsync(HttpMethod.Post, "/v1/key/create/" + name, null, cancellationToken).ConfigureAwait(false))
        {
            // 200 created, 400 "key already exists" (KES); anything else is left for the first generate to report.
        }

        _calls[KesCall.Generate] = (HttpMethod.Post, "/v1/key/generate/" + name, GenerateBody);
        _calls[KesCall.Status] = (HttpMethod.Get, "/v1/status", null);
        _calls[KesCall.StatusNewConnection] = (HttpMethod.Get, "/v1/status", null);
        _calls[KesCall.Describe] = (HttpMethod.Get, "/v1/key/describe/" + name, null);
        using var generated = await SendAsync(HttpMethod.Post, "/v1/key/generate/" + name, GenerateBody, cancellationToken).ConfigureAwait(false);
        var text = await generated.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!generated.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"preparing {_base}: generate on key '{key}' answered {(int)generated.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var ciphertext = json.RootElement.GetProperty("ciphertext").GetString();
        var context = "eyJidWNrZXQiOiJsb2FkIiwib2JqZWN0IjoibG9hZC9vYmplY3QifQ==";
        var item = $"{{\"ciphertext\":\"{ciphertext}\",\"context\":\"{context}\"}}";
        _calls[KesCall.Decrypt] = (HttpMethod.Post, "/v1/key/decrypt/" + name, Encoding.UTF8.GetBytes(item));
        var bulk = new StringBuilder("[");
        for (var i = 0; i < bulkSize; i++)
        {
            bulk.Append(i == 0 ? string.Empty : ",").Append(item);
        }

        _calls[KesCall.BulkDecrypt] = (HttpMethod.Post, "/v1/key/bulk/decrypt/" + name, Encoding.UTF8.GetBytes(bulk.Append(']').ToString()));
    }

    /// <summary>Sends one request outside the measured loop and returns the whole response.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, _base + path) { Version = _version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        return _connections[0].SendAsync(request, cancellationToken);
    }

    public async ValueTask<int> CallAsync(KesCall call, int worker, CancellationToken cancellationToken)
    {
        var (method, path, body) = _calls[call];
        var fresh = call == KesCall.StatusNewConnection;
        using var request = new HttpRequestMessage(method, _base + path)
        {
            Version = fresh ? HttpVersion.Version11 : _version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        if (fresh)
        {
            request.Headers.ConnectionClose = true;
        }

        try
        {
            var invoker = fresh ? _fresh : _connections[worker % _connections.Length];
            using var response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);

            // Read the whole body, as a client must before the connection can carry the next request.
            await response.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        _fresh.Dispose();
    }

    private static SocketsHttpHandler Handler(IPEndPoint endpoint, X509Certificate2? certificate, bool http2) => new()
    {
        // Every name goes to the loopback endpoint, so --host can carry a tenant's name as SNI and Host without DNS.
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        MaxConnectionsPerServer = 1,
        EnableMultipleHttp2Connections = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        SslOptions = new SslClientAuthenticationOptions
        {
            // Loopback targets with throwaway certificates: the harness measures, it does not authenticate servers.
#pragma warning disable CA5359
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
            ClientCertificates = certificate is null ? null : [certificate],
            ApplicationProtocols = http2 ? [SslApplicationProtocol.Http2] : [SslApplicationProtocol.Http11],
        },
    };
}

/// <summary>The product's own client (<c>Core/Client</c>) with an API key: BouncyCastle TLS, HTTP/1.1 only, one pooled client.</summary>
public sealed class ApiKeyTransport : IKesTransport
{
    private readonly KesClient _client;
    private string _key = "load";
    private byte[] _ciphertext = [];
    private List<DecryptKeyRequest> _bulk = [];
    private static readonly byte[] Context = Encoding.UTF8.GetBytes("{\"bucket\":\"load\",\"object\":\"load/object\"}");

    public ApiKeyTransport(Uri target, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(target);
        Loopback.Resolve(target);
        _client = new KesClient(new KesClientOptions
        {
            Endpoints = [target.GetLeftPart(UriPartial.Authority)],
            ApiKey = ApiKey.Parse(apiKey),
            Insecure = true,
        });
    }

    public string Protocol => "HTTP/1.1 (BouncyCastle TLS)";

    public string Auth => "api-key";

    public async Task PrepareAsync(string key, int bulkSize, CancellationToken cancellationToken)
    {
        _key = key;
        try
        {
            await _client.CreateKeyAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (KesException)
        {
            // Already exists, or not allowed: the first generate reports what matters.
        }

        var dek = await _client.GenerateKeyAsync(key, Context, cancellationToken).ConfigureAwait(false);
        _ciphertext = dek.Ciphertext;
        _bulk = [.. Enumerable.Range(0, bulkSize).Select(_ => new DecryptKeyRequest { Ciphertext = _ciphertext, Context = Context })];
    }

    public async ValueTask<int> CallAsync(KesCall call, int worker, CancellationToken cancellationToken)
    {
        try
        {
            switch (call)
            {
                case KesCall.Generate:
                    await _client.GenerateKeyAsync(_key, Context, cancellationToken).ConfigureAwait(false);
                    break;
                case KesCall.Decrypt:
                    await _client.DecryptAsync(_key, _ciphertext, Context, cancellationToken).ConfigureAwait(false);
                    break;
                case KesCall.BulkDecrypt:
                    await _client.BulkDecryptAsync(_key, _bulk, cancellationToken).ConfigureAwait(false);
                    break;
                case KesCall.Describe:
                    await _client.DescribeKeyAsync(_key, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await _client.StatusAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }

            return 200;
        }
        catch (KesException ex)
        {
            return ex.StatusCode is int status and > 0 ? status : 0;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // KesTransportException (unreachable, handshake failed) is an IOException.
            return 0;
        }
    }

    public void Dispose() => _client.Dispose();
}

using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace KesGateway.Core.Client;

/// <summary>
/// The HTTP stack of a <see cref="KesClient"/>: a pooled <see cref="SocketsHttpHandler"/> whose connections are made by
/// <see cref="ConnectAsync"/> (socket, then a BouncyCastle TLS handshake that can present Ed25519 certificates). The
/// handler is given <c>http://</c> URIs so it does not layer its own TLS, and speaks HTTP/1.1 over the TLS stream.
/// </summary>
/// <remarks>
/// HTTP/2 is not offered: over an <c>http://</c> URI the handler would send <c>:scheme http</c>, which Kestrel rejects on
/// a TLS connection (PROTOCOL_ERROR), and the handler skips its own TLS for <c>https://</c> only when the callback returns
/// an <see cref="System.Net.Security.SslStream"/>, which cannot carry a BouncyCastle session.
/// </remarks>
internal sealed class KesHttpTransport : IDisposable
{
    private readonly TlsSettings _settings;
    private readonly BcTlsCrypto _crypto = new(new SecureRandom());
    private int _connections;
    private string? _lastProtocol;

    /// <summary>Creates the transport; <paramref name="connectTimeout"/> bounds the TCP connect plus the handshake.</summary>
    public KesHttpTransport(TlsSettings settings, TimeSpan connectTimeout)
    {
        _settings = settings;
        Handler = new SocketsHttpHandler
        {
            // Conventions pitfall 3: no redirects, cookies, proxies or decompression behind the caller's back.
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = connectTimeout,

            // KES closes idle connections after 90 s; give them up earlier so a request never races that close.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ConnectCallback = ConnectAsync,
        };
    }

    /// <summary>Gets the handler, for an <see cref="HttpClient"/> or <see cref="HttpMessageInvoker"/>.</summary>
    public SocketsHttpHandler Handler { get; }

    /// <summary>Gets how many TLS connections were established (for tests of pooling).</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connections);

    /// <summary>Gets the TLS version and ALPN protocol of the newest connection, e.g. <c>TLS 1.3 http/1.1</c>.</summary>
    public string? LastProtocol => Volatile.Read(ref _lastProtocol);

    /// <inheritdoc/>
    public void Dispose() => Handler.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var host = endpoint.Host.Trim('[', ']');
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new KesTransportException(KesErrorKind.Unreachable, $"cannot connect to {Display(host, endpoint.Port)}: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new KesTlsClient(_crypto, _settings, host, sendServerName: !IPAddress.TryParse(host, out _));
        try
        {
            var stream = await TlsClientStream.ConnectAsync(new NetworkStream(socket, ownsSocket: true), client, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _connections);
            Volatile.Write(ref _lastProtocol, $"{client.NegotiatedVersion} {client.NegotiatedApplicationProtocol}");
            return stream;
        }
        catch (Exception ex) when (ex is IOException or TlsException)
        {
            throw Classify(ex, client, Display(host, endpoint.Port));
        }
    }

    private static string Display(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";

    private static KesTransportException Classify(Exception ex, KesTlsClient client, string where)
    {
        if (client.VerificationFailure is { } failure)
        {
            return new KesTransportException(
                KesErrorKind.TlsVerification,
                $"cannot verify the TLS certificate of {where}: {failure}. "
                + "Trust the server's CA certificate with a CA file (--ca), or skip verification with -k/--insecure",
                ex);
        }

        if (client.CredentialFailure is { } credential)
        {
            return new KesTransportException(KesErrorKind.TlsHandshake, $"TLS handshake with {where} failed: {credential}", ex);
        }

        var presented = client.PresentsCertificate;
        var reason = ex switch
        {
            TlsFatalAlertReceived received => $"the server refused it ({TlsAlerts.Describe(received.AlertDescription, presented)})",
            TlsFatalAlert alert => AlertDescription.GetText(alert.AlertDescription),
            _ => ex.Message,
        };
        return new KesTransportException(KesErrorKind.TlsHandshake, $"TLS handshake with {where} failed: {reason}", ex);
    }
}

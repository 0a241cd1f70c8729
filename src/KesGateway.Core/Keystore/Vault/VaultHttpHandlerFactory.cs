using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>Builds the <see cref="SocketsHttpHandler"/> that talks to Vault (vault-compat §2, §6).</summary>
internal static class VaultHttpHandlerFactory
{
    /// <summary>The scheme of an endpoint that is a Unix domain socket, e.g. <c>unix:///run/vault.sock</c>.</summary>
    public const string UnixScheme = "unix";

    /// <summary>Creates the handler for <paramref name="endpoint"/> with <paramref name="tls"/>.</summary>
    public static SocketsHttpHandler Create(Uri endpoint, VaultOptions options, VaultTlsMaterial tls)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tls);
        var handler = new SocketsHttpHandler
        {
            // Conventions pitfall 3: no redirects (the transport follows one itself, as the Go SDK), no cookies, no
            // system proxy, no decompression.
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,

            // KES opens a connection per call because pooled connections hung after Vault was killed (minio/kes#486);
            // bounded lifetimes and a short idle timeout avoid that while keeping TLS handshakes rare.
            PooledConnectionLifetime = options.ConnectionLifetime,
            PooledConnectionIdleTimeout = options.ConnectionIdleTimeout,
            ConnectTimeout = TimeSpan.FromSeconds(30),

            // An HTTP/2 connection to a Vault that died without closing it is found out by pings, not by the 60 s timeout.
            KeepAlivePingDelay = TimeSpan.FromSeconds(15),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            Expect100ContinueTimeout = TimeSpan.FromSeconds(1),
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            },
        };

        if (tls.ClientCertificate is { } certificate)
        {
            // Presented whenever Vault asks, whatever CAs it names, as KES's client-certificate callback does.
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        if (tls.Authorities is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = tls.Validate;
        }

        if (endpoint.Scheme == UnixScheme)
        {
            var socketPath = endpoint.LocalPath;
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return handler;
    }
}

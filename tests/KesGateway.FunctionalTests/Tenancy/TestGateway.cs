using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KesGateway.FunctionalTests.Tenancy;

/// <summary>A whole gateway on 127.0.0.1:0 started from options as the CLI would, with clients that choose their TLS server name.</summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGateway(WebApplication app, int port, AuditCapture audit)
    {
        _app = app;
        Port = port;
        Audit = audit;
    }

    public int Port { get; }

    public AuditCapture Audit { get; }

    public IServiceProvider Services => _app.Services;

    public GatewayReloader Reloader => Services.GetRequiredService<GatewayReloader>();

    public static async Task<TestGateway> StartAsync(GatewayOptions options)
    {
        var audit = new AuditCapture();
        var app = await GatewayApp.BuildAsync(new GatewayOptions
        {
            Config = options.Config,
            ConfigPath = options.ConfigPath,
            ConfigWatchDebounce = options.ConfigWatchDebounce,
            ConfigWatchPoll = options.ConfigWatchPoll,
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            AuditOutput = audit,
            KeyStore = options.KeyStore,
            ServerCertificate = options.ServerCertificate,
            Time = options.Time,
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestGateway(app, new Uri(address).Port, audit);
    }

    /// <summary>Creates a client that connects to the gateway with <paramref name="serverName"/> as SNI and Host (null: an IP literal, so no SNI).</summary>
    /// <param name="serverName">The host name the client believes it talks to.</param>
    /// <param name="certificate">The client certificate.</param>
    /// <param name="seen">Receives the server certificate of each handshake.</param>
    public HttpClient Client(string? serverName, X509Certificate2? certificate, Action<X509Certificate2>? seen = null)
    {
        var port = Port;
        var handler = new SocketsHttpHandler
        {
            // Every name resolves to the loopback listener, so SNI and Host carry the name without DNS.
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions =
            {
#pragma warning disable CA5359 // The test records the certificate it was shown instead of trusting a CA.
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    if (cert is not null)
                    {
                        seen?.Invoke(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
                    }

                    return true;
                },
#pragma warning restore CA5359
                ClientCertificates = certificate is null ? null : [certificate],
            },
            AllowAutoRedirect = false,
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{serverName ?? "127.0.0.1"}:{port}") };
    }

    /// <summary>Creates a client whose TLS server name is <paramref name="serverName"/> whatever Host header its requests carry.</summary>
    /// <remarks>SocketsHttpHandler takes SNI from the Host header; an attacker's client does not have to, so the test does TLS itself.</remarks>
    public HttpClient ForgingClient(string serverName, X509Certificate2 certificate)
    {
        var port = Port;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port, ct);
                var tls = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: true));
                await tls.AuthenticateAsClientAsync(
                    new System.Net.Security.SslClientAuthenticationOptions
                    {
                        TargetHost = serverName,
                        ClientCertificates = [certificate],
#pragma warning disable CA5359 // A throwaway test certificate.
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                        ApplicationProtocols = [System.Net.Security.SslApplicationProtocol.Http11],
                    },
                    ct);
                return tls;
            },
            AllowAutoRedirect = false,
        };

        // "http" because the stream the callback returns is already TLS.
        return new HttpClient(handler) { BaseAddress = new Uri($"http://{serverName}:{port}") };
    }

    /// <summary>Writes a self-signed server certificate for <paramref name="dnsName"/> as PEM files and returns their paths.</summary>
    public static (string Cert, string Key) WriteServerCertificate(string directory, string dnsName, string? fileStem = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var stem = Path.Combine(directory, fileStem ?? dnsName);
        File.WriteAllText(stem + ".crt", cert.ExportCertificatePem());
        File.WriteAllText(stem + ".key", key.ExportPkcs8PrivateKeyPem());
        return (stem + ".crt", stem + ".key");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Audit.Dispose();
    }
}

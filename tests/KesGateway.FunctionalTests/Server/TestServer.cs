using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Identity;
using KesGateway.Core.Keystore;
using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;
using KesGateway.Tests.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KesGateway.FunctionalTests.Server;

/// <summary>A real KesGateway server on 127.0.0.1:0 with real TLS, stopped on dispose.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri address, AuditCapture audit, X509Certificate2 certificate)
    {
        _app = app;
        Address = address;
        Audit = audit;
        Certificate = certificate;
    }

    public Uri Address { get; }

    public AuditCapture Audit { get; }

    /// <summary>Gets the server's self-signed certificate (public part), e.g. to write a CA file for clients.</summary>
    public X509Certificate2 Certificate { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestServer> StartAsync(
        ServerConfig config, IKeyStore? keyStore = null, TimeProvider? time = null, TimeSpan? cacheStatusInterval = null, X509Certificate2Collection? certificate = null)
    {
        var audit = new AuditCapture();
        certificate ??= TestCertificates.CreateServer();
        var app = await GatewayApp.BuildAsync(new GatewayOptions
        {
            Config = config,
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            AuditOutput = audit,
            ServerCertificate = certificate,
            KeyStore = keyStore,
            Time = time ?? TimeProvider.System,
            KeyCacheStatusInterval = cacheStatusInterval ?? TimeSpan.FromSeconds(10),
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestServer(app, new Uri(address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)), audit, X509CertificateLoader.LoadCertificate(certificate[0].RawData));
    }

    public static ServerConfig Config(string admin, params PolicyConfig[] policies) => new()
    {
        Admin = admin,
        Tls = new TlsConfig { KeyPath = "unused", CertificatePath = "unused" },
        Policies = [.. policies],
        KeyStore = new MemoryKeyStoreConfig(),
    };

    public HttpClient CreateClient(X509Certificate2? certificate, Version? httpVersion = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                // The server's certificate is a throwaway self-signed one made for this test.
#pragma warning disable CA5359
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                ClientCertificates = certificate is null ? null : [certificate],
            },
            AllowAutoRedirect = false,
        };
        return new HttpClient(handler)
        {
            BaseAddress = Address,
            DefaultRequestVersion = httpVersion ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public static string IdentityOf(X509Certificate2 certificate) => CertificateIdentity.Of(certificate).Value;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Audit.Dispose();
    }
}

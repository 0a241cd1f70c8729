using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Tests.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>
/// A minimal Vault on Kestrel (HTTPS on 127.0.0.1:0, optionally requiring a client certificate, or plain HTTP on a Unix
/// socket) for what only a real handshake shows: CA files, mTLS and socket endpoints. It answers logins, health and
/// "absent" for everything else.
/// </summary>
internal sealed class LoopbackVault : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackVault(WebApplication app, Uri endpoint, X509Certificate2? certificate, ConcurrentQueue<string> requests)
    {
        _app = app;
        Endpoint = endpoint;
        Certificate = certificate;
        Requests = requests;
    }

    public Uri Endpoint { get; }

    /// <summary>Gets the server's self-signed certificate (public part).</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Gets "METHOD path client-subject" per request.</summary>
    public ConcurrentQueue<string> Requests { get; }

    public static async Task<LoopbackVault> StartHttpsAsync(bool requireClientCertificate = false)
    {
        var certificate = TestCertificates.CreateServer();
        var requests = new ConcurrentQueue<string>();
        var app = Build(requests, kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = certificate[0];
            if (requireClientCertificate)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (_, _, _) => true;
            }
        })));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LoopbackVault(app, new Uri(address), X509CertificateLoader.LoadCertificate(certificate[0].RawData), requests);
    }

    public static async Task<LoopbackVault> StartUnixAsync(string socketPath)
    {
        var requests = new ConcurrentQueue<string>();
        var app = Build(requests, kestrel => kestrel.ListenUnixSocket(socketPath));
        await app.StartAsync();
        return new LoopbackVault(app, new Uri("unix://" + socketPath), null, requests);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static WebApplication Build(ConcurrentQueue<string> requests, Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions> listen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(listen);
        var app = builder.Build();
        app.Run(async context =>
        {
            requests.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Connection.ClientCertificate?.Subject}");
            context.Response.ContentType = "application/json";
            if (context.Request.Path.Value!.EndsWith("/login", StringComparison.Ordinal))
            {
                await context.Response.WriteAsync(ScriptedVaultHandler.Token("hvs.loopback-token-0123"));
            }
            else if (context.Request.Path == "/v1/sys/health")
            {
                await context.Response.WriteAsync(ScriptedVaultHandler.Health());
            }
            else
            {
                context.Response.StatusCode = 404;
                await context.Response.WriteAsync("""{"errors":[]}""");
            }
        });
        return app;
    }
}

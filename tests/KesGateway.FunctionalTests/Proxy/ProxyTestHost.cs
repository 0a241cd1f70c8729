using System.Net;
using KesGateway.Server.Configuration;
using KesGateway.Server.Proxy;
using KesGateway.Tests.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>
/// The proxy module alone in a real Kestrel (TLS on 127.0.0.1:0): <c>AddKesProxy</c> + <c>MapKesProxy</c> with a
/// cluster selector the test sets, and nothing else of the gateway.
/// </summary>
internal sealed class ProxyTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProxyTestHost(WebApplication app, Uri address, LogCapture logs)
    {
        _app = app;
        Address = address;
        Logs = logs;
    }

    public Uri Address { get; }

    public LogCapture Logs { get; }

    /// <summary>Gets or sets the upstream every request is forwarded to.</summary>
    public string? Cluster { get; set; }

    public KesProxyConfigProvider Provider => _app.Services.GetRequiredService<KesProxyConfigProvider>();

    public IProxyStateLookup State => _app.Services.GetRequiredService<IProxyStateLookup>();

    public UpstreamHealthReporter Health => _app.Services.GetRequiredService<UpstreamHealthReporter>();

    public static async Task<ProxyTestHost> StartAsync(IReadOnlyList<UpstreamConfig> upstreams, TimeProvider? time = null, IEnumerable<string>? identityHeaders = null)
    {
        var logs = new LogCapture();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "kesgw-proxy-test" });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(TestCertificates.CreateServer()[0]);
        }));
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddKesProxy(upstreams, identityHeaders);

        var app = builder.Build();
        ProxyTestHost? host = null;
        app.MapKesProxy(_ => host!.Cluster);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        host = new ProxyTestHost(app, new Uri(address), logs) { Cluster = upstreams.Count > 0 ? upstreams[0].Name : null };
        return host;
    }

    /// <summary>A client of the gateway (no client certificate; the gateway's own certificate is a throwaway).</summary>
    public HttpClient CreateClient(Version? httpVersion = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions =
            {
#pragma warning disable CA5359 // The test host's certificate is made for this test.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = Address,
            DefaultRequestVersion = httpVersion ?? HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

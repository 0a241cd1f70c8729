using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KesGateway.Tests.Common.Proxy;

/// <summary>
/// An upstream KES server for proxy tests: real Kestrel with TLS on 127.0.0.1:0 that, like KES, requires a client
/// certificate (any, unverified). It records every request with the client's KES identity, answers <c>/v1/ready</c>
/// with 200 and everything else with <see cref="Responder"/>, can hold answers back (<see cref="HoldResponses"/>) and
/// can be stopped mid-test to play a dead endpoint.
/// </summary>
public sealed class KesUpstreamDouble : IAsyncDisposable
{
    private const int MaxBody = 4 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly List<UpstreamRequest> _requests = [];
    private readonly List<(Func<UpstreamRequest, bool> Match, TaskCompletionSource<UpstreamRequest> Seen)> _waiters = [];
    private readonly X509Certificate2 _serverCertificate;
    private WebApplication? _app;
    private TaskCompletionSource? _hold;

    private KesUpstreamDouble(string name, X509Certificate2 serverCertificate)
    {
        Name = name;
        _serverCertificate = serverCertificate;
        Certificate = X509CertificateLoader.LoadCertificate(serverCertificate.RawData);
        Responder = _ => UpstreamResponse.Json(200, $"{{\"upstream\":\"{name}\"}}");
    }

    /// <summary>Gets the name the double answers with (default body and the <c>X-Upstream</c> header).</summary>
    public string Name { get; }

    /// <summary>Gets the base address, https://127.0.0.1:port (the certificate is valid for 127.0.0.1 and localhost).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the server certificate (public part), e.g. for a CA file.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Gets a value indicating whether the double is accepting connections.</summary>
    public bool IsRunning => _app is not null;

    /// <summary>Gets or sets the answer to anything but <c>/v1/ready</c>; default 200 <c>{"upstream":"&lt;name&gt;"}</c>.</summary>
    public Func<UpstreamRequest, UpstreamResponse> Responder { get; set; }

    /// <summary>Gets or sets the answer to <c>/v1/ready</c>; default 200 with no body.</summary>
    public UpstreamResponse Ready { get; set; } = UpstreamResponse.Empty;

    /// <summary>Gets every request received so far, health probes included, in arrival order.</summary>
    public IReadOnlyList<UpstreamRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Gets the requests other than health probes (<c>/v1/ready</c>).</summary>
    public IReadOnlyList<UpstreamRequest> Calls => [.. Requests.Where(r => r.Path != "/v1/ready")];

    /// <summary>Starts a double; <paramref name="serverCertificate"/> (with key) defaults to a self-signed one for 127.0.0.1 and localhost.</summary>
    public static async Task<KesUpstreamDouble> StartAsync(string name = "kes", X509Certificate2? serverCertificate = null)
    {
        var upstream = new KesUpstreamDouble(name, serverCertificate ?? CreateCertificate(name));
        await upstream.StartListeningAsync(0);
        return upstream;
    }

    /// <summary>
    /// A self-signed ECDSA certificate for 127.0.0.1 and localhost with a subject of its own: chain building finds
    /// an issuer by subject, so two self-signed certificates named alike in one CA file would shadow each other.
    /// </summary>
    public static X509Certificate2 CreateCertificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=kes-{name}-{Guid.NewGuid():N}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var notBefore = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var certificate = request.CreateSelfSigned(notBefore, notBefore.AddYears(75));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Holds every answer (ready included) until the returned object is disposed or the double stops.</summary>
    public IDisposable HoldResponses()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _hold = hold;
        }

        return new Release(this, hold);
    }

    /// <summary>Waits until a request matching <paramref name="match"/> arrived (or had arrived), failing after <paramref name="timeout"/>.</summary>
    public async Task<UpstreamRequest> WaitForRequestAsync(Func<UpstreamRequest, bool> match, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(match);
        var seen = new TaskCompletionSource<UpstreamRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_requests.FirstOrDefault(match) is { } earlier)
            {
                return earlier;
            }

            _waiters.Add((match, seen));
        }

        try
        {
            return await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"upstream double '{Name}' did not receive {what} within {timeout.TotalSeconds:0.#}s; it received: "
                + string.Join(", ", Requests.Select(r => r.Method + " " + r.Path)));
        }
    }

    /// <summary>Stops listening: connections are closed and new ones refused, as by a dead KES server.</summary>
    public async Task StopAsync()
    {
        WebApplication? app;
        TaskCompletionSource? hold;
        lock (_lock)
        {
            (app, _app) = (_app, null);
            (hold, _hold) = (_hold, null);
        }

        hold?.TrySetResult();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _serverCertificate.Dispose();
        Certificate.Dispose();
    }

    private async Task StartListeningAsync(int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "kes-upstream-double" });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = _serverCertificate,

                    // As KES's default tls.auth: a client certificate is required but not verified.
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            });
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.Run(ServeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Address = new Uri(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{new Uri(address).Port}"));
        lock (_lock)
        {
            _app = app;
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = await RecordAsync(context);
        Task? hold;
        lock (_lock)
        {
            hold = _hold?.Task;
        }

        if (hold is not null)
        {
            await hold.WaitAsync(context.RequestAborted);
        }

        var answer = request.Path == "/v1/ready" ? Ready : Responder(request);
        if (ReferenceEquals(answer, UpstreamResponse.Abort))
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = answer.Status;
        context.Response.Headers["X-Upstream"] = Name;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (answer.ContentType is not null)
        {
            context.Response.ContentType = answer.ContentType;
        }

        context.Response.ContentLength = answer.Body.Length;
        if (answer.Body.Length > 0 && !HttpMethods.IsHead(request.Method))
        {
            await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
        }
    }

    private async Task<UpstreamRequest> RecordAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxBody)
            {
                throw new InvalidOperationException("request body too large for the upstream double");
            }

            body.Write(buffer, 0, read);
        }

        var certificate = context.Connection.ClientCertificate;
        var request = new UpstreamRequest(
            context.Request.Method,
            context.Request.Path.ToUriComponent(),
            context.Request.QueryString.ToUriComponent(),
            context.Request.Host.Value ?? string.Empty,
            context.Request.Protocol,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray(),
            certificate is null ? null : CertificateIdentity.Of(certificate).Value);

        List<TaskCompletionSource<UpstreamRequest>> matched = [];
        lock (_lock)
        {
            _requests.Add(request);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(request))
                {
                    matched.Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var seen in matched)
        {
            seen.TrySetResult(request);
        }

        return request;
    }

    private sealed class Release(KesUpstreamDouble upstream, TaskCompletionSource hold) : IDisposable
    {
        public void Dispose()
        {
            lock (upstream._lock)
            {
                if (upstream._hold == hold)
                {
                    upstream._hold = null;
                }
            }

            hold.TrySetResult();
        }
    }
}

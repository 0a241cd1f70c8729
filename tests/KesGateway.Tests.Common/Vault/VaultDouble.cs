using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// An in-process HashiCorp Vault for tests: real Kestrel on 127.0.0.1 (HTTP or HTTPS), the endpoints KES uses with
/// Vault's documented semantics (vault-compat.md §9–§11), a provisioning API that reads like the tutorial's CLI
/// steps, a request journal and fault injection. Time comes from <see cref="VaultDoubleOptions.TimeProvider"/>.
/// </summary>
public sealed partial class VaultDouble : IAsyncDisposable
{
    private readonly VaultCore _core;
    private readonly VaultTestCertificateAuthority _authority;
    private readonly bool _ownsAuthority;
    private readonly X509Certificate2? _serverCertificate;
    private readonly X509Certificate2? _clientAuthority;
    private readonly SemaphoreSlim _listener = new(1, 1);
    private WebApplication? _app;
    private CancellationTokenSource _stopping = new();
    private int _port;

    private VaultDouble(VaultDoubleOptions options)
    {
        _core = new VaultCore(options);
        _ownsAuthority = options.CertificateAuthority is null;
        _authority = options.CertificateAuthority ?? VaultTestCertificateAuthority.Create();
        _clientAuthority = options.RequiredClientCertificateAuthority;
        if (options.UseTls)
        {
            _serverCertificate = _authority.IssueServerCertificate(options.ServerDnsNames, options.ServerCertificateCoversLoopback);
        }
        else if (_clientAuthority is not null)
        {
            throw new ArgumentException("RequiredClientCertificateAuthority needs UseTls", nameof(options));
        }
    }

    /// <summary>Gets the base address, e.g. http://127.0.0.1:41234/ (requests go to /v1/…).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the PEM of the CA that issued the server certificate, for a client's CA file.</summary>
    public string CaCertificatePem => _authority.CertificatePem;

    /// <summary>Gets the CA that issued the server certificate (it can issue client certificates too).</summary>
    public VaultTestCertificateAuthority CertificateAuthority => _authority;

    /// <summary>Gets the clock of TTLs, timestamps and injected delays.</summary>
    public TimeProvider Time => _core.Time;

    /// <summary>Gets every request received so far.</summary>
    public VaultJournal Journal => _core.Journal;

    /// <summary>Gets the injected faults.</summary>
    public VaultFaults Faults => _core.Faults;

    /// <summary>Gets the root token (like a dev server's): every capability in every namespace.</summary>
    public string RootToken => _core.RootToken.Id;

    /// <summary>Gets a value indicating whether the server is accepting connections (see <see cref="StopListeningAsync"/>).</summary>
    public bool IsListening => _app is not null;

    /// <summary>Gets a value indicating whether the Vault is sealed: health says so, everything else is 503.</summary>
    public bool Sealed
    {
        get
        {
            lock (_core.Sync)
            {
                return _core.Sealed;
            }
        }
    }

    /// <summary>Gets or sets a value indicating whether the Vault is initialized; false behaves as sealed plus health's uninit code.</summary>
    public bool Initialized
    {
        get => Read(() => _core.Initialized);
        set => Write(() => _core.Initialized = value);
    }

    /// <summary>Gets or sets a value indicating whether this node is a standby (health 429 / standbycode; requests still served).</summary>
    public bool Standby
    {
        get => Read(() => _core.Standby);
        set => Write(() => _core.Standby = value);
    }

    /// <summary>Gets or sets a value indicating whether this node is a performance standby (health 473).</summary>
    public bool PerformanceStandby
    {
        get => Read(() => _core.PerformanceStandby);
        set => Write(() => _core.PerformanceStandby = value);
    }

    /// <summary>Gets or sets a value indicating whether this node is a DR secondary (health 472).</summary>
    public bool DrSecondary
    {
        get => Read(() => _core.DrSecondary);
        set => Write(() => _core.DrSecondary = value);
    }

    /// <summary>Gets or sets a value indicating whether HA is unhealthy (health 474, Vault ≥ 1.19).</summary>
    public bool HaUnhealthy
    {
        get => Read(() => _core.HaUnhealthy);
        set => Write(() => _core.HaUnhealthy = value);
    }

    /// <summary>Gets or sets a value indicating whether the node was removed from its cluster (health 530, Vault ≥ 1.19).</summary>
    public bool RemovedFromCluster
    {
        get => Read(() => _core.RemovedFromCluster);
        set => Write(() => _core.RemovedFromCluster = value);
    }

    /// <summary>
    /// Gets or sets how long a freshly issued token is rejected as invalid, as by a cluster node it has not been
    /// replicated to yet (§11.3 #25). Zero (default) = immediately valid.
    /// </summary>
    public TimeSpan TokenReplicationLag
    {
        get => Read(() => _core.TokenReplicationLag);
        set => Write(() => _core.TokenReplicationLag = value);
    }

    /// <summary>Starts a double on 127.0.0.1 with a free port.</summary>
    public static async Task<VaultDouble> StartAsync(VaultDoubleOptions? options = null)
    {
        var vault = new VaultDouble(options ?? new VaultDoubleOptions());
        try
        {
            await vault.ListenAsync(0);
        }
        catch
        {
            await vault.DisposeAsync();
            throw;
        }

        return vault;
    }

    /// <summary>A client for the double: trusts its CA, presents an optional client certificate, follows no redirects.</summary>
    public HttpClient CreateClient(X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        if (_serverCertificate is not null)
        {
            var authority = X509CertificateLoader.LoadCertificate(_authority.Certificate.RawData);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is X509Certificate2 leaf && ChainsTo(leaf, authority) && (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == 0;
            if (clientCertificate is not null)
            {
                handler.SslOptions.ClientCertificates = [clientCertificate];
            }
        }

        return new HttpClient(handler) { BaseAddress = Address };
    }

    /// <summary>Seals the Vault: health reports sealed, every other request gets 503 "Vault is sealed".</summary>
    public void Seal() => Write(() => _core.Sealed = true);

    public void Unseal() => Write(() => _core.Sealed = false);

    /// <summary>Closes the listener: new connections are refused until <see cref="ResumeListeningAsync"/>; hung requests end.</summary>
    public async Task StopListeningAsync()
    {
        await _listener.WaitAsync();
        try
        {
            if (_app is null)
            {
                return;
            }

            await _stopping.CancelAsync();
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
            _stopping.Dispose();
            _stopping = new CancellationTokenSource();
        }
        finally
        {
            _listener.Release();
        }
    }

    /// <summary>Listens again on the same port, with the state unchanged.</summary>
    public async Task ResumeListeningAsync()
    {
        await _listener.WaitAsync();
        try
        {
            if (_app is null)
            {
                await ListenCoreAsync(_port);
            }
        }
        finally
        {
            _listener.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync();
        _stopping.Dispose();
        _listener.Dispose();
        _serverCertificate?.Dispose();
        if (_ownsAuthority)
        {
            _authority.Dispose();
        }
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private async Task ListenAsync(int port)
    {
        await _listener.WaitAsync();
        try
        {
            await ListenCoreAsync(port);
        }
        finally
        {
            _listener.Release();
        }
    }

    private async Task ListenCoreAsync(int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "vault-double" });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 33 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (_serverCertificate is null)
                {
                    listen.Protocols = HttpProtocols.Http1;
                    return;
                }

                var https = new HttpsConnectionAdapterOptions { ServerCertificate = _serverCertificate };
                if (_clientAuthority is { } authority)
                {
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (certificate, _, _) => ChainsTo(certificate, authority);
                }

                listen.UseHttps(https);
            });
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        var pipeline = new VaultRequestPipeline(_core, this, _stopping.Token);
        app.Run(pipeline.InvokeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _port = new Uri(address).Port;
        Address = new Uri(string.Create(CultureInfo.InvariantCulture, $"{(_serverCertificate is null ? "http" : "https")}://127.0.0.1:{_port}/"));
        _app = app;
    }

    private T Read<T>(Func<T> read)
    {
        lock (_core.Sync)
        {
            return read();
        }
    }

    private void Write(Action write)
    {
        lock (_core.Sync)
        {
            write();
        }
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Identity;
using KesGateway.Core.Keystore.Memory;
using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Vault;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KesGateway.LoadTests;

/// <summary>A server this process started on 127.0.0.1:0; stopped on dispose.</summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IDisposable? _owned;

    private InProcessServer(WebApplication app, IDisposable? owned)
    {
        _app = app;
        _owned = owned;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Address = new Uri(address);
    }

    public Uri Address { get; }

    /// <summary>Gets or sets where in-process gateways write audit lines: <c>devnull</c> (the default) writes them to /dev/null the way
    /// the server writes stdout (buffered, one write(2) per batch the audit writer drains); <c>null</c> formats them and drops them in memory.</summary>
    public static string AuditSink { get; set; } = "devnull";

    /// <summary>Starts a gateway from <paramref name="config"/> exactly as the CLI does: TLS, identity, policy, limits, audit (see
    /// <see cref="AuditSink"/>), metrics, real crypto.</summary>
    public static async Task<InProcessServer> GatewayAsync(ServerConfig config, bool memoryKeyStore)
    {
        var audit = AuditSink == "devnull" && File.Exists("/dev/null")
            ? new StreamWriter(new FileStream("/dev/null", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0), new System.Text.UTF8Encoding(false), 64 * 1024)
            : new StreamWriter(Stream.Null);
        var app = await GatewayApp.BuildAsync(new GatewayOptions
        {
            Config = config,
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            AuditOutput = audit,
            ServerCertificate = TestCertificates.CreateServer(),
            KeyStore = memoryKeyStore ? new MemoryKeyStore() : null,
        }).ConfigureAwait(false);
        await app.StartAsync().ConfigureAwait(false);
        return new InProcessServer(app, audit);
    }

    /// <summary>Starts the ceiling: bare Kestrel with the same TLS (HTTP/1.1 and HTTP/2, a client certificate required) that
    /// answers every request with a fixed body of the size the gateway would send, doing no other work.</summary>
    public static async Task<InProcessServer> CeilingAsync(IReadOnlyDictionary<string, byte[]> bodies)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "ceiling" });
        builder.WebHost.UseKestrelCore();
        var certificate = TestCertificates.CreateServer();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = certificate[0],
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            });
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var table = bodies.OrderByDescending(b => b.Key.Length).ToArray();
        app.Run(async context =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            byte[] body = [];
            foreach (var (prefix, bytes) in table)
            {
                if (path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    body = bytes;
                    break;
                }
            }

            // Drain the request body as the gateway must, then answer.
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync().ConfigureAwait(false);
        return new InProcessServer(app, certificate[0]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _owned?.Dispose();
    }
}

/// <summary>Builds the gateway configurations of the in-process modes: the whole pipeline on, nothing that blocks.</summary>
public static class InProcessConfig
{
    /// <summary>Gets the limits every in-process gateway runs with: budgets so high they never bite, but checked on every request.</summary>
    public static RateLimitConfig Limits { get; } = new()
    {
        Tenant = new RouteBudgets(new Budget(10_000_000, 10_000_000), new Budget(10_000_000, 10_000_000)),
        Identity = new RouteBudgets(new Budget(10_000_000, 10_000_000), new Budget(10_000_000, 10_000_000)),
    };

    /// <summary>A client certificate made for this run and its KES identity.</summary>
    public static X509Certificate2 CreateClient(string subject = "CN=kesgw-load") => TestCertificates.CreateClient(subject);

    /// <summary>A policy that lets <paramref name="client"/> do what the scenarios do, and nothing else.</summary>
    public static PolicyConfig ClientPolicy(X509Certificate2 client) => new(
        "load",
        ["/v1/key/create/*", "/v1/key/generate/*", "/v1/key/decrypt/*", "/v1/key/bulk/decrypt/*", "/v1/key/describe/*", "/v1/status"],
        [],
        [CertificateIdentity.Of(client).Value]);

    public static ServerConfig Native(X509Certificate2 client, KeyStoreConfig? keyStore = null) => new()
    {
        Admin = "disabled",
        Tls = new TlsConfig { KeyPath = "unused", CertificatePath = "unused" },
        Policies = [ClientPolicy(client)],
        KeyStore = keyStore ?? new MemoryKeyStoreConfig(),
        Limits = Limits,
        Watch = false,
        Log = new LogConfig { Error = LogConfig.Off },
    };

    /// <summary>A gateway that forwards everything (no keystore) to <paramref name="upstream"/> through YARP, presenting <paramref name="gatewayCertificate"/>.</summary>
    public static ServerConfig Forwarding(X509Certificate2 client, Uri upstream, (string Cert, string Key) gatewayCertificate) => new()
    {
        Admin = "disabled",
        Tls = new TlsConfig { KeyPath = "unused", CertificatePath = "unused" },
        Policies = [ClientPolicy(client)],
        KeyStore = null,
        Upstream = "upstream",
        Upstreams =
        [
            new UpstreamConfig
            {
                Name = "upstream",
                Endpoints = [new Uri(upstream.GetLeftPart(UriPartial.Authority))],
                Tls = new UpstreamTlsConfig { CertificatePath = gatewayCertificate.Cert, KeyPath = gatewayCertificate.Key, SkipVerify = true },
                Health = new HealthCheckConfig { Active = false },
            },
        ],
        Limits = Limits,
        Watch = false,
        Log = new LogConfig { Error = LogConfig.Off },
    };

    /// <summary>The upstream of the forwarded path: a whole KES-compatible server on memory whose admin is the forwarding gateway.</summary>
    public static ServerConfig Upstream(string gatewayIdentity) => new()
    {
        Admin = gatewayIdentity,
        Tls = new TlsConfig { KeyPath = "unused", CertificatePath = "unused" },
        KeyStore = new MemoryKeyStoreConfig(),
        Watch = false,
        Log = new LogConfig { Error = LogConfig.Off },
    };

    /// <summary>Writes a client certificate and key as PEM files (the forwarding gateway loads its upstream identity from files).</summary>
    public static (string Cert, string Key, string Identity) WriteClientPem(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kesgw-load-gateway", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var certPath = Path.Combine(directory, "gateway.crt");
        var keyPath = Path.Combine(directory, "gateway.key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath, CertificateIdentity.Of(cert).Value);
    }

    /// <summary>A Vault double with a KV v1 mount and an AppRole for the outage scenario's gateway.</summary>
    public static async Task<(VaultDouble Vault, VaultKeyStoreConfig Store)> VaultAsync(string directory)
    {
        var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true }).ConfigureAwait(false);
        vault.EnableKv("kv", 1);
        vault.EnableAppRole();
        vault.WritePolicy("kesgw", "path \"kv/kesgw/*\" { capabilities = [\"create\",\"read\",\"delete\",\"list\"] }");
        vault.WriteAppRole("kesgw", policies: ["kesgw"]);
        var ca = Path.Combine(directory, "vault-ca.pem");
        await File.WriteAllTextAsync(ca, vault.CaCertificatePem).ConfigureAwait(false);
        var store = new VaultKeyStoreConfig
        {
            Endpoint = vault.Address.ToString().TrimEnd('/'),
            Prefix = "kesgw",
            AppRole = new VaultAppRoleConfig { Id = vault.ReadRoleId("kesgw"), Secret = vault.GenerateSecretId("kesgw") },
            Tls = new VaultTlsConfig { CaPath = ca },
        };
        return (vault, store);
    }
}

using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Tenancy;

/// <summary>One gateway, several tenants chosen by the TLS server name: certificates, policies and keystores never mix.</summary>
public sealed class TenantTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-tenants-").FullName;
    private readonly X509Certificate2 _adminA = TestCertificates.CreateClient("CN=admin-a");
    private readonly X509Certificate2 _adminB = TestCertificates.CreateClient("CN=admin-b");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _adminA.Dispose();
        _adminB.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Sni_SelectsTheTenantsCertificate_NoSniGetsTheDefault()
    {
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = Config() });
        var seen = new List<string>();

        foreach (var name in new[] { "a.kms.test", "b.kms.test", null })
        {
            using var http = gateway.Client(name, _adminA, c => seen.Add(c.GetNameInfo(X509NameType.DnsName, false)));
            using var response = await http.GetPathAsync("/version");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(["a.kms.test", "b.kms.test", "localhost"], seen);
    }

    [Fact]
    public async Task Keys_AreIsolated_AdminOfAIsNobodyAtB()
    {
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = Config() });
        using var a = gateway.Client("a.kms.test", _adminA);
        using var aAtB = gateway.Client("b.kms.test", _adminA);
        using var b = gateway.Client("b.kms.test", _adminB);

        using var created = await a.PostJsonAsync("/v1/key/create/shared-name", null);
        using var denied = await aAtB.PostJsonAsync("/v1/key/generate/shared-name", null);
        using var missingAtB = await b.PostJsonAsync("/v1/key/generate/shared-name", null);
        using var listA = await a.GetPathAsync("/v1/key/list/*");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal((HttpStatusCode.NotFound, "{\"message\":\"key does not exist\"\n}"), (missingAtB.StatusCode, await missingAtB.BodyAsync()));
        Assert.Contains("shared-name", await listA.BodyAsync(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "keys-a", "shared-name")));
        Assert.False(File.Exists(Path.Combine(_dir, "keys-b", "shared-name")));
    }

    [Fact]
    public async Task ForgedHost_OnAnotherTenantsConnection_Is421_AndNeverReachesThatTenant()
    {
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = Config() });
        using var b = gateway.Client("b.kms.test", _adminB);
        (await b.PostJsonAsync("/v1/key/create/b-key", null)).Dispose();
        using var a = gateway.ForgingClient("a.kms.test", _adminB);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/key/generate/b-key");
        request.Headers.Host = "b.kms.test";
        using var forged = await a.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, forged.StatusCode);
        Assert.Contains("connect with TLS server name 'b.kms.test'", await forged.BodyAsync(), StringComparison.Ordinal);
        Assert.Contains("req.path=/v1/key/generate/b-key req.ip=127.0.0.1 req.identity=<unknown> res.code=421", await gateway.Audit.WaitForAsync("res.code=421"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownServerName_DefaultPolicy_ServedByTheDefaultTenant()
    {
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = Config() });
        string? seen = null;
        using var http = gateway.Client("elsewhere.test", _adminA, c => seen = c.GetNameInfo(X509NameType.DnsName, false));

        using var response = await http.GetPathAsync("/version");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("localhost", seen);
    }

    [Fact]
    public async Task UnknownServerName_Refuse_FailsTheHandshake_KnownNamesAndNoSniStillWork()
    {
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = Config() with { UnknownHosts = UnknownHostPolicy.Refuse } });
        using var unknown = gateway.Client("elsewhere.test", _adminA);
        using var known = gateway.Client("a.kms.test", _adminA);
        using var noSni = gateway.Client(null, _adminA);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => unknown.GetPathAsync("/version"));
        using var ok = await known.GetPathAsync("/version");
        using var okDefault = await noSni.GetPathAsync("/version");

        Assert.True(refused.InnerException is AuthenticationException or IOException, refused.ToString());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, okDefault.StatusCode);
    }

    [Fact]
    public async Task WildcardHost_MatchesOneLabel()
    {
        var config = Config() with { Tenants = [Tenant("a", ["*.a.kms.test"], _adminA, "keys-a")] };
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = config });
        string? seen = null;
        using var http = gateway.Client("eu.a.kms.test", _adminA, c => seen = c.GetNameInfo(X509NameType.DnsName, false));

        using var response = await http.PostJsonAsync("/v1/key/create/k", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a.kms.test", seen);
    }

    [Fact]
    public async Task Reload_AddsATenant_KeepsTheOthersWarmCache_AndRemovingOneAnswers421OnItsOpenConnections()
    {
        var initial = Config() with { Tenants = [Tenant("a", ["a.kms.test"], _adminA, "keys-a")] };
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = initial });
        using var a = gateway.Client("a.kms.test", _adminA);
        (await a.PostJsonAsync("/v1/key/create/k", null)).Dispose();
        var cacheBefore = ((GatewayStateHolder)gateway.Services.GetService(typeof(GatewayStateHolder))!).Current.Find("a")!.Keys;

        Assert.True(await gateway.Reloader.ReloadAsync(Config, Ct));
        using var b = gateway.Client("b.kms.test", _adminB);
        using var bWorks = await b.PostJsonAsync("/v1/key/create/k", null);
        var cacheAfter = ((GatewayStateHolder)gateway.Services.GetService(typeof(GatewayStateHolder))!).Current.Find("a")!.Keys;

        Assert.True(await gateway.Reloader.ReloadAsync(() => Config() with { Tenants = [Tenant("a", ["a.kms.test"], _adminA, "keys-a")] }, Ct));
        using var bGone = await b.PostJsonAsync("/v1/key/generate/k", null);

        Assert.Equal(HttpStatusCode.OK, bWorks.StatusCode);
        Assert.Same(cacheBefore, cacheAfter);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, bGone.StatusCode);
    }

    [Fact]
    public async Task AuditStream_OfATenant_CarriesOnlyItsOwnRequests()
    {
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = Config() });
        using var a = gateway.Client("a.kms.test", _adminA);
        using var b = gateway.Client("b.kms.test", _adminB);
        using var stream = await a.GetAsync("/v1/log/audit", HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(Ct));

        (await b.GetPathAsync("/v1/key/describe/b-secret-name")).Dispose();
        (await a.GetPathAsync("/v1/key/describe/a-own-name")).Dispose();
        var first = await reader.ReadLineAsync(Ct);

        Assert.Contains("/v1/key/describe/a-own-name", first, StringComparison.Ordinal);
        Assert.Contains("tenant=b req.method=GET req.path=/v1/key/describe/b-secret-name", await gateway.Audit.WaitForAsync("b-secret-name"), StringComparison.Ordinal);
    }

    private ServerConfig Config()
    {
        var (cert, key) = Files("localhost");
        return new ServerConfig
        {
            Admin = "disabled",
            Tls = new TlsConfig { CertificatePath = cert, KeyPath = key },
            KeyStore = new MemoryKeyStoreConfig(),
            Tenants = [Tenant("a", ["a.kms.test"], _adminA, "keys-a"), Tenant("b", ["b.kms.test"], _adminB, "keys-b")],
        };
    }

    private TenantConfig Tenant(string name, string[] hosts, X509Certificate2 admin, string keys)
    {
        var (cert, key) = Files(hosts[0].TrimStart('*', '.'));
        return new TenantConfig
        {
            Name = name,
            Hosts = [.. hosts],
            Admin = TestServer.IdentityOf(admin),
            Tls = new TlsConfig { CertificatePath = cert, KeyPath = key },
            KeyStore = new FsKeyStoreConfig(Path.Combine(_dir, keys)),
        };
    }

    private (string Cert, string Key) Files(string dnsName)
    {
        var cert = Path.Combine(_dir, dnsName + ".crt");
        return File.Exists(cert) ? (cert, Path.Combine(_dir, dnsName + ".key")) : TestGateway.WriteServerCertificate(_dir, dnsName);
    }
}

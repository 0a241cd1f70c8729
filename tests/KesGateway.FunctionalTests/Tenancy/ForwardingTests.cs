using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Proxy;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Proxy;

namespace KesGateway.FunctionalTests.Tenancy;

/// <summary>What a forwarded call looks like at the upstream, through the whole gateway pipeline.</summary>
public sealed class ForwardingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-fwd-").FullName;
    private readonly X509Certificate2 _admin = TestCertificates.CreateClient("CN=admin");
    private readonly GatewayIdentity _gateway = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _admin.Dispose();
        _gateway.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ForwardedCall_CarriesTheGatewaysIdentity_NoInboundIdentityHeaders_AnswerPassedThrough()
    {
        await using var upstream = await KesUpstreamDouble.StartAsync("kes");
        upstream.Responder = _ => UpstreamResponse.Error(400, "key already exists");
        var (cert, key) = TestGateway.WriteServerCertificate(_dir, "kms.a.test");
        var config = new ServerConfig
        {
            Admin = _gateway.Identity,
            Tls = new TlsConfig { CertificatePath = cert, KeyPath = key, ProxyCertificateHeader = "X-Custom-Cert" },
            Upstreams = [_gateway.UpstreamOf("kes", upstream)],
            Upstream = "kes",
            Policies = [new PolicyConfig("app", ["/v1/key/create/*"], [], [TestServer.IdentityOf(_admin)])],
        };
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = config });
        using var http = gateway.Client("kms.a.test", _admin);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/key/create/k?x=1");
        request.Headers.Add("X-Tls-Client-Certificate", "forged");
        request.Headers.Add("X-Forwarded-Client-Cert", "forged");
        request.Headers.Add("X-Custom-Cert", "forged");
        using var response = await http.SendAsync(request, Ct);
        using var denied = await http.GetPathAsync("/v1/key/list/*");
        using var metrics = await gateway.Client("kms.a.test", _gateway.Certificate).GetPathAsync("/v1/metrics");

        var seen = Assert.Single(upstream.Calls);
        Assert.Equal((HttpStatusCode.BadRequest, "{\"message\":\"key already exists\"}\n"), (response.StatusCode, await response.BodyAsync()));
        Assert.Equal(("PUT", "/v1/key/create/k", "?x=1"), (seen.Method, seen.Path, seen.Query));
        Assert.Equal(_gateway.Identity, seen.ClientIdentity);
        Assert.All(new[] { "X-Tls-Client-Certificate", "X-Forwarded-Client-Cert", "X-Custom-Cert" }, h => Assert.False(seen.Headers.ContainsKey(h), h));
        Assert.NotEqual("kms.a.test", seen.Host);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var text = await metrics.BodyAsync();
        Assert.Contains("kesgw_upstream_endpoint_healthy{upstream=\"kes\",endpoint=\"https://127.0.0.1:", text, StringComparison.Ordinal);
        Assert.Contains("kesgw_requests_total{tenant=\"default\",route=\"/v1/key/create/\",code=\"400\"} 1", text, StringComparison.Ordinal);
        Assert.Single(upstream.Calls);
    }

    [Fact]
    public async Task Reload_MovesTheUpstream_ABadUpstreamCertificateIsRefused()
    {
        await using var first = await KesUpstreamDouble.StartAsync("first");
        await using var second = await KesUpstreamDouble.StartAsync("second");
        var (cert, key) = TestGateway.WriteServerCertificate(_dir, "kms.a.test");
        ServerConfig Config(UpstreamConfig upstream) => new()
        {
            Admin = TestServer.IdentityOf(_admin),
            Tls = new TlsConfig { CertificatePath = cert, KeyPath = key },
            Upstreams = [upstream],
            Upstream = upstream.Name,
        };
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = Config(_gateway.UpstreamOf("kes", first)) });
        var proxy = (KesGateway.Server.Proxy.KesProxyConfigProvider)gateway.Services.GetService(typeof(KesGateway.Server.Proxy.KesProxyConfigProvider))!;
        using var http = gateway.Client("kms.a.test", _admin);

        var moved = await gateway.Reloader.ReloadAsync(() => Config(_gateway.UpstreamOf("kes", second)), Ct);
        await proxy.Current.Applied.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        using var afterMove = await http.GetPathAsync("/v1/key/list/*");
        var broken = _gateway.UpstreamOf("kes", first) with { Tls = _gateway.Tls(first.Certificate) with { CertificatePath = Path.Combine(_dir, "missing.crt") } };
        var refused = await gateway.Reloader.ReloadAsync(() => Config(broken), Ct);
        using var afterRefusal = await http.GetPathAsync("/v1/key/list/*");

        Assert.True(moved);
        Assert.Equal("second", Assert.Single(afterMove.Headers.GetValues("X-Upstream")));
        Assert.False(refused);
        Assert.Equal("second", Assert.Single(afterRefusal.Headers.GetValues("X-Upstream")));
        Assert.Empty(first.Calls);
    }
}

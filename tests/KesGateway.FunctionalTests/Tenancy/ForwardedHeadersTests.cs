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
public sealed class ForwardedHeadersTests : IDisposable
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
            Admin = "disabled",
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

        var seen = Assert.Single(upstream.Calls);
        Assert.Equal((HttpStatusCode.BadRequest, "{\"message\":\"key already exists\"}\n"), (response.StatusCode, await response.BodyAsync()));
        Assert.Equal(("PUT", "/v1/key/create/k", "?x=1"), (seen.Method, seen.Path, seen.Query));
        Assert.Equal(_gateway.Identity, seen.ClientIdentity);
        Assert.All(new[] { "X-Tls-Client-Certificate", "X-Forwarded-Client-Cert", "X-Custom-Cert" }, h => Assert.False(seen.Headers.ContainsKey(h), h));
        Assert.NotEqual("kms.a.test", seen.Host);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }
}

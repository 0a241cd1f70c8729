using System.Net;
using KesGateway.Tests.Common.Proxy;
using KesGateway.Tests.Common.Vault;
using EventIds = KesGateway.Server.EventIds;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>The gateway verifies upstream certificates against the configured CA, never silently trusting anything.</summary>
public sealed class KesProxyTlsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forward_UntrustedUpstreamWithoutCa_Answers502InKesShape()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        var config = identity.UpstreamOf("a", upstream) with { Tls = identity.Tls() };
        await using var host = await ProxyTestHost.StartAsync([config]);
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri("/v1/key/list/*", UriKind.Relative), Ct);

        var message = await ProxyAssert.KesErrorAsync(response, HttpStatusCode.BadGateway);
        Assert.StartsWith("upstream 'a': no KES server reachable (TLS handshake failed: ", message, StringComparison.Ordinal);
        Assert.Contains("not issued by a trusted CA", message, StringComparison.Ordinal);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task Forward_UpstreamIssuedByConfiguredCa_IsTrusted()
    {
        using var identity = new GatewayIdentity();
        using var authority = VaultTestCertificateAuthority.Create("KES Test CA");
        await using var upstream = await KesUpstreamDouble.StartAsync("a", authority.IssueServerCertificate(["kes.internal"]));
        var config = identity.UpstreamOf("a", upstream) with { Tls = identity.Tls(authority.Certificate) };
        await using var host = await ProxyTestHost.StartAsync([config]);
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(identity.Identity, Assert.Single(upstream.Calls).ClientIdentity);
    }

    [Fact]
    public async Task Forward_UpstreamNotIssuedByConfiguredCa_Answers502NamingTheCaSetting()
    {
        using var identity = new GatewayIdentity();
        using var authority = VaultTestCertificateAuthority.Create("Some Other CA");
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        var config = identity.UpstreamOf("a", upstream) with { Tls = identity.Tls(authority.Certificate) };
        await using var host = await ProxyTestHost.StartAsync([config]);
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);

        var message = await ProxyAssert.KesErrorAsync(response, HttpStatusCode.BadGateway);
        Assert.Contains("not issued by a CA in upstreams.a.tls.ca", message, StringComparison.Ordinal);
        Assert.NotEmpty(host.Logs.OfEvent(EventIds.UpstreamCertificateRejected));
    }

    [Fact]
    public async Task Forward_ServerName_IsVerifiedAndSentInsteadOfTheEndpointsHost()
    {
        using var identity = new GatewayIdentity();
        using var authority = VaultTestCertificateAuthority.Create("KES Test CA");
        await using var upstream = await KesUpstreamDouble.StartAsync("a", authority.IssueServerCertificate(["kes.internal"], includeLoopback: false));
        var named = identity.UpstreamOf("named", upstream) with { Tls = identity.Tls(authority.Certificate) with { ServerName = "kes.internal" } };
        var unnamed = identity.UpstreamOf("unnamed", upstream) with { Tls = identity.Tls(authority.Certificate) };
        await using var host = await ProxyTestHost.StartAsync([named, unnamed]);
        using var client = host.CreateClient();

        host.Cluster = "unnamed";
        using var refused = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);
        host.Cluster = "named";
        using var accepted = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);

        var message = await ProxyAssert.KesErrorAsync(refused, HttpStatusCode.BadGateway);
        Assert.Contains("not valid for the endpoint's host name", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal($"kes.internal:{upstream.Address.Port}", Assert.Single(upstream.Calls).Host);
    }

    [Fact]
    public async Task Forward_SkipVerify_AcceptsAnyCertificateAndWarns()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        var config = identity.UpstreamOf("a", upstream) with { Tls = identity.Tls() with { SkipVerify = true } };
        await using var host = await ProxyTestHost.StartAsync([config]);
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var warning = Assert.Single(host.Logs.OfEvent(EventIds.UpstreamTlsVerificationDisabled));
        Assert.Contains("upstream 'a'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_NoClientCertificateConfigured_UpstreamRefusesTheHandshake()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        var config = identity.UpstreamOf("a", upstream) with { Tls = identity.Tls(upstream.Certificate) with { CertificatePath = null, KeyPath = null } };
        await using var host = await ProxyTestHost.StartAsync([config]);
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);

        var message = await ProxyAssert.KesErrorAsync(response, HttpStatusCode.BadGateway);
        Assert.Equal("upstream 'a': no KES server reachable (the KES server closed the connection; no client certificate is configured (upstreams.a.tls.cert))", message);
        Assert.Empty(upstream.Requests);
    }
}

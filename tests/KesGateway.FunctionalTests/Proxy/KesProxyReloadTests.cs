using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Proxy;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>A configuration update changes routes, clusters and client certificates in place; a bad one changes nothing.</summary>
public sealed class KesProxyReloadTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Update_NewClusterAndEndpoint_TakeEffectWithoutRestart()
    {
        using var identity = new GatewayIdentity();
        await using var first = await KesUpstreamDouble.StartAsync("first");
        await using var second = await KesUpstreamDouble.StartAsync("second");
        await using var third = await KesUpstreamDouble.StartAsync("third");
        await using var host = await ProxyTestHost.StartAsync([identity.UpstreamOf("a", first)]);
        using var client = host.CreateClient();
        Assert.Equal("first", await UpstreamOfAsync(client));

        // Endpoint of "a" replaced, cluster "b" added.
        var update = host.Provider.Update([identity.UpstreamOf("a", second), identity.UpstreamOf("b", third)]);
        await ProxyAssert.WithinAsync(update.Applied, Wait, "applying the update");

        Assert.Equal("second", await UpstreamOfAsync(client));
        host.Cluster = "b";
        Assert.Equal("third", await UpstreamOfAsync(client));

        // And removed again.
        await ProxyAssert.WithinAsync(host.Provider.Update([identity.UpstreamOf("a", second)]).Applied, Wait, "applying the removal");
        using var removed = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);
        Assert.Equal("upstream 'b' is not configured", await ProxyAssert.KesErrorAsync(removed, HttpStatusCode.BadGateway));
        Assert.Single(first.Calls);
    }

    [Fact]
    public async Task Update_BadCertificateFile_ThrowsNamingTheFieldAndKeepsServing()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        var good = identity.UpstreamOf("a", upstream);
        await using var host = await ProxyTestHost.StartAsync([good]);
        var before = host.Provider.Current;
        var broken = identity.Write("broken.cert", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");

        var ex = Assert.Throws<ConfigException>(() => host.Provider.Update([good, good with { Name = "b", Tls = good.Tls with { CertificatePath = broken } }]));

        Assert.StartsWith("upstreams.b.tls.cert: ", ex.Message, StringComparison.Ordinal);
        Assert.Same(before, host.Provider.Current);
        using var client = host.CreateClient();
        Assert.Equal("a", await UpstreamOfAsync(client));
    }

    [Fact]
    public async Task Update_ReplacedCertificateFiles_NewConnectionsPresentTheNewIdentity()
    {
        using var identity = new GatewayIdentity();
        await using var upstream = await KesUpstreamDouble.StartAsync("a");
        var config = identity.UpstreamOf("a", upstream);
        await using var host = await ProxyTestHost.StartAsync([config]);
        using var client = host.CreateClient();
        Assert.Equal("a", await UpstreamOfAsync(client));

        // The operator rotates the gateway's certificate in place (same paths) and reloads.
        using var rotated = TestCertificates.CreateClient("CN=kes-gateway-rotated");
        File.WriteAllText(identity.CertificatePath, rotated.ExportCertificatePem());
        using (var key = rotated.GetECDsaPrivateKey()!)
        {
            File.WriteAllText(identity.KeyPath, key.ExportPkcs8PrivateKeyPem());
        }

        await ProxyAssert.WithinAsync(host.Provider.Update([config]).Applied, Wait, "applying the reload");
        Assert.Equal("a", await UpstreamOfAsync(client));

        var calls = upstream.Calls;
        Assert.Equal(2, calls.Count);
        Assert.Equal(identity.Identity, calls[0].ClientIdentity);
        Assert.Equal(Core.Identity.CertificateIdentity.Of(rotated).Value, calls[1].ClientIdentity);
    }

    private static async Task<string> UpstreamOfAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Ct);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return Assert.Single(response.Headers.GetValues("X-Upstream"));
    }
}

using System.Security.Authentication;
using KesGateway.Server.Configuration;
using KesGateway.Server.Proxy;
using Yarp.ReverseProxy.Configuration;
using HealthCheckConfig = KesGateway.Server.Configuration.HealthCheckConfig;

namespace KesGateway.Tests.Proxy;

public sealed class UpstreamRoutesTests : IDisposable
{
    private readonly UpstreamFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Build_Upstream_BecomesOneClusterWithItsSettings()
    {
        var upstream = _files.Upstream("a", "https://kes-1:7373", "https://kes-2:7373/") with
        {
            Timeout = TimeSpan.FromSeconds(12),
            Health = new HealthCheckConfig
            {
                Path = "/v1/status",
                Interval = TimeSpan.FromSeconds(7),
                Timeout = TimeSpan.FromSeconds(3),
                Reactivation = TimeSpan.FromSeconds(90),
            },
        };

        var cluster = Assert.Single(KesProxyConfigProvider.Build([upstream]).Clusters);

        Assert.Equal("a", cluster.ClusterId);
        Assert.Equal(["https://kes-1:7373", "https://kes-2:7373"], cluster.Destinations!.Keys.Order());
        Assert.All(cluster.Destinations.Values, d => Assert.Null(d.Host));
        Assert.Equal("https://kes-2:7373", cluster.Destinations["https://kes-2:7373"].Address);
        Assert.Equal(TimeSpan.FromSeconds(12), cluster.HttpRequest!.ActivityTimeout);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, cluster.HttpClient!.SslProtocols);
        Assert.Null(cluster.HttpClient.DangerousAcceptAnyServerCertificate);
        Assert.Equal("PowerOfTwoChoices", cluster.LoadBalancingPolicy);
        var health = cluster.HealthCheck!;
        Assert.Equal("HealthyOrPanic", health.AvailableDestinationsPolicy);
        Assert.Equal(new ActiveHealthCheckConfig
        {
            Enabled = true,
            Path = "/v1/status",
            Interval = TimeSpan.FromSeconds(7),
            Timeout = TimeSpan.FromSeconds(3),
            Policy = "ConsecutiveFailures",
        }, health.Active);
        Assert.Equal(new PassiveHealthCheckConfig { Enabled = true, Policy = "TransportFailureRate", ReactivationPeriod = TimeSpan.FromSeconds(90) }, health.Passive);
        Assert.Matches("^[0-9a-f]{64}$", cluster.Metadata!["KesGateway.TlsFingerprint"]);
    }

    [Fact]
    public void Build_ServerName_IsEachDestinationsHostWithItsPort()
    {
        var upstream = _files.Upstream("a", "https://10.0.0.1:7373", "https://10.0.0.2") with
        {
            Tls = _files.Upstream().Tls with { ServerName = "kes.internal" },
        };

        var cluster = Assert.Single(KesProxyConfigProvider.Build([upstream]).Clusters);

        Assert.Equal("kes.internal:7373", cluster.Destinations!["https://10.0.0.1:7373"].Host);
        Assert.Equal("kes.internal", cluster.Destinations["https://10.0.0.2"].Host);
    }

    [Fact]
    public void Build_Upstreams_OneCatchAllRoutePerClusterInFileOrder()
    {
        var config = KesProxyConfigProvider.Build([_files.Upstream("b"), _files.Upstream("a")], ["X-Proxy-Cert"]);

        Assert.Equal(["upstream/b", "upstream/a"], config.Routes.Select(r => r.RouteId));
        Assert.Equal(["b", "a"], config.Routes.Select(r => r.ClusterId));
        Assert.Equal([0, 1], config.Routes.Select(r => r.Order ?? -1));
        Assert.All(config.Routes, r => Assert.Equal("/{**catch-all}", r.Match.Path));
        Assert.All(config.Routes, r => Assert.Null(r.Match.Methods));
    }

    [Theory]
    [InlineData("X-Tls-Client-Certificate")]
    [InlineData("X-Forwarded-Client-Cert")]
    [InlineData("X-Client-Cert")]
    [InlineData("X-SSL-Client-Cert")]
    [InlineData("Ssl-Client-Cert")]
    [InlineData("X-Client-Identity")]
    [InlineData("X-Proxy-Cert")]
    public void Build_Route_RemovesIdentityHeader(string header)
    {
        var route = KesProxyConfigProvider.Build([_files.Upstream()], ["X-Proxy-Cert"]).Routes[0];

        Assert.Contains(route.Transforms!, t => t.Count == 1 && t.TryGetValue("RequestHeaderRemove", out var name) && name == header);
    }

    [Fact]
    public void Build_Route_DoesNotForwardTheOriginalHost()
    {
        var route = KesProxyConfigProvider.Build([_files.Upstream()]).Routes[0];

        Assert.Contains(route.Transforms!, t => t.TryGetValue("RequestHeaderOriginalHost", out var value) && !bool.Parse(value));
    }

    [Fact]
    public void Build_NoUpstreams_IsEmpty()
    {
        var config = KesProxyConfigProvider.Build([]);

        Assert.Empty(config.Routes);
        Assert.Empty(config.Clusters);
    }

    [Theory]
    [InlineData("http://kes-1:7373", "upstreams.a.endpoints[0]: 'http://kes-1:7373/' is not an https:// address")]
    [InlineData("https://kes-1:7373|https://KES-1:7373/", "upstreams.a.endpoints[1]: 'https://kes-1:7373/' is listed twice")]
    public void Build_BadEndpoint_NamesIt(string endpoints, string expected)
    {
        var upstream = _files.Upstream("a", endpoints.Split('|'));

        var ex = Assert.Throws<ConfigException>(() => KesProxyConfigProvider.Build([upstream]));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoEndpoint_NamesTheField()
    {
        var upstream = _files.Upstream() with { Endpoints = [] };

        var ex = Assert.Throws<ConfigException>(() => KesProxyConfigProvider.Build([upstream]));

        Assert.StartsWith("upstreams.a.endpoints: no endpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SameNameTwice_Fails()
    {
        var ex = Assert.Throws<ConfigException>(() => KesProxyConfigProvider.Build([_files.Upstream("a"), _files.Upstream("A")]));

        Assert.Equal("upstreams.A: defined twice (names are case-insensitive)", ex.Message);
    }

    [Theory]
    [InlineData("timeout", "upstreams.a.timeout: must be positive")]
    [InlineData("path", "upstreams.a.health.path: 'v1/ready' is not a path")]
    [InlineData("interval", "upstreams.a.health: interval and timeout must be positive")]
    [InlineData("reactivation", "upstreams.a.health.reactivation: must be positive")]
    public void Build_BadDuration_NamesTheField(string field, string expected)
    {
        var upstream = _files.Upstream();
        upstream = field switch
        {
            "timeout" => upstream with { Timeout = TimeSpan.Zero },
            "path" => upstream with { Health = new HealthCheckConfig { Path = "v1/ready" } },
            "interval" => upstream with { Health = new HealthCheckConfig { Interval = TimeSpan.Zero } },
            _ => upstream with { Health = new HealthCheckConfig { Reactivation = TimeSpan.FromSeconds(-1) } },
        };

        var ex = Assert.Throws<ConfigException>(() => KesProxyConfigProvider.Build([upstream]));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HealthChecksOff_AreDisabledNotValidated()
    {
        var upstream = _files.Upstream() with
        {
            Health = new HealthCheckConfig { Active = false, Passive = false, Interval = TimeSpan.Zero, Reactivation = TimeSpan.Zero },
        };

        var health = Assert.Single(KesProxyConfigProvider.Build([upstream]).Clusters).HealthCheck!;

        Assert.False(health.Active!.Enabled);
        Assert.False(health.Passive!.Enabled);
    }
}

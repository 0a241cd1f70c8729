using KesGateway.Server.Configuration;
using KesGateway.Server.Proxy;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace KesGateway.Tests.Proxy;

public sealed class KesProxyConfigProviderTests : IDisposable
{
    private readonly UpstreamFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Update_SwapsTheSnapshotAndExpiresTheOldOne()
    {
        var sut = new KesProxyConfigProvider();
        var before = sut.GetConfig();

        var after = sut.Update([_files.Upstream("a")]);

        Assert.Same(after, sut.GetConfig());
        Assert.True(before.ChangeToken.HasChanged);
        Assert.False(after.ChangeToken.HasChanged);
        Assert.Equal("a", Assert.Single(after.Clusters).ClusterId);
    }

    [Fact]
    public void Update_BadCertificate_ThrowsAndKeepsTheCurrentSnapshot()
    {
        var sut = new KesProxyConfigProvider();
        var good = sut.Update([_files.Upstream("a")]);
        var upstream = _files.Upstream("b");

        var ex = Assert.Throws<ConfigException>(() => sut.Update([_files.Upstream("a"), upstream with { Tls = upstream.Tls with { CertificatePath = _files.File("nope.cert") } }]));

        Assert.StartsWith("upstreams.b.tls.cert: ", ex.Message, StringComparison.Ordinal);
        Assert.Same(good, sut.Current);
        Assert.False(good.ChangeToken.HasChanged);
    }

    [Fact]
    public async Task Applied_CompletesWhenYarpReportsTheSnapshotItWrapped()
    {
        var sut = new KesProxyConfigProvider();
        var config = sut.Update([_files.Upstream("a")]);
        IConfigChangeListener listener = sut;

        // YARP reports a wrapper that keeps only the route list when it resolved destinations.
        listener.ConfigurationApplied([new Wrapper(config.Routes)]);

        await config.Applied.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Applied_OfAReplacedSnapshot_CompletesWithTheNewerOne()
    {
        var sut = new KesProxyConfigProvider();
        var first = sut.Update([_files.Upstream("a")]);
        var second = sut.Update([_files.Upstream("b")]);
        IConfigChangeListener listener = sut;

        listener.ConfigurationApplied([second]);

        await first.Applied.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await second.Applied.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Applied_RejectedByYarp_Fails()
    {
        var sut = new KesProxyConfigProvider();
        var config = sut.Update([_files.Upstream("a")]);
        IConfigChangeListener listener = sut;

        listener.ConfigurationApplyingFailed([config], new InvalidOperationException("rejected"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => config.Applied);
        Assert.Equal("rejected", ex.Message);
    }

    [Fact]
    public void FindTls_ByFingerprintInClusterMetadata()
    {
        var sut = new KesProxyConfigProvider();
        var config = sut.Update([_files.Upstream("a")]);
        var metadata = Assert.Single(config.Clusters).Metadata;

        var material = sut.FindTls(metadata);

        Assert.NotNull(material);
        Assert.Equal("a", material.Upstream);
        Assert.Null(sut.FindTls(new Dictionary<string, string> { ["KesGateway.TlsFingerprint"] = "unknown" }));
        Assert.Null(sut.FindTls(null));
    }

    private sealed class Wrapper(IReadOnlyList<RouteConfig> routes) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = [];

        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(CancellationToken.None);
    }
}

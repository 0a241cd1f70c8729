using KesGateway.Server.Proxy;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace KesGateway.Tests.Proxy;

public sealed class UpstreamHttpClientFactoryTests : IDisposable
{
    private readonly UpstreamFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void CreateClient_SameSettingsAndFiles_ReusesTheClient()
    {
        var (sut, provider) = Create();
        var metadata = Assert.Single(provider.Update([_files.Upstream()]).Clusters).Metadata;
        using var old = sut.CreateClient(Context(metadata, metadata, null));

        var again = sut.CreateClient(Context(metadata, metadata, old));

        Assert.Same(old, again);
    }

    [Fact]
    public void CreateClient_ReplacedCertificateFile_BuildsANewClient()
    {
        var (sut, provider) = Create();
        var before = Assert.Single(provider.Update([_files.Upstream()]).Clusters).Metadata;
        using var old = sut.CreateClient(Context(before, before, null));
        _files.WriteClient(Common.TestCertificates.CreateClient("CN=rotated"));
        var after = Assert.Single(provider.Update([_files.Upstream()]).Clusters).Metadata;

        using var fresh = sut.CreateClient(Context(before, after, old));

        Assert.NotSame(old, fresh);
    }

    [Fact]
    public void CreateClient_MaterialNotLoadedThroughTheProvider_Fails()
    {
        var (sut, _) = Create();

        var ex = Assert.Throws<InvalidOperationException>(() => sut.CreateClient(Context(null, new Dictionary<string, string>(), null)));

        Assert.Contains("upstream 'a'", ex.Message, StringComparison.Ordinal);
    }

    private static (UpstreamHttpClientFactory Sut, KesProxyConfigProvider Provider) Create()
    {
        var provider = new KesProxyConfigProvider();
        return (new UpstreamHttpClientFactory(provider, NullLoggerFactory.Instance), provider);
    }

    private static ForwarderHttpClientContext Context(IReadOnlyDictionary<string, string>? oldMetadata, IReadOnlyDictionary<string, string>? newMetadata, HttpMessageInvoker? old) => new()
    {
        ClusterId = "a",
        OldConfig = HttpClientConfig.Empty,
        OldMetadata = oldMetadata,
        OldClient = old,
        NewConfig = HttpClientConfig.Empty,
        NewMetadata = newMetadata,
    };
}

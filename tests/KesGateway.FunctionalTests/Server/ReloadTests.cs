using System.Net;
using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;
using KesGateway.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace KesGateway.FunctionalTests.Server;

/// <summary>Reloading swaps the whole configuration atomically under traffic and keeps the last good one on error.</summary>
public sealed class ReloadTests
{
    [Fact]
    public async Task Reload_UnderTraffic_EveryRequestIsAnsweredByTheOldOrTheNewPolicy()
    {
        using var app = TestCertificates.CreateClient("CN=app");
        var appId = TestServer.IdentityOf(app);
        var before = TestServer.Config("disabled", new PolicyConfig("p", ["/v1/status"], [], [appId]));
        var after = TestServer.Config("disabled", new PolicyConfig("p", ["/v1/key/list/*"], [], [appId]));
        await using var server = await TestServer.StartAsync(before);
        var reloader = server.Services.GetRequiredService<GatewayReloader>();
        using var http = server.CreateClient(app);

        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                using var response = await http.GetPathAsync("/v1/status");
                statuses.Add(response.StatusCode);
            }
        }, TestContext.Current.CancellationToken);

        Assert.True(await reloader.ReloadAsync(() => after, TestContext.Current.CancellationToken));
        await traffic;
        using var status = await http.GetPathAsync("/v1/status");
        using var list = await http.GetPathAsync("/v1/key/list/*");

        Assert.Equal(200, statuses.Count);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.Forbidden }));
        Assert.Equal(HttpStatusCode.Forbidden, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task Reload_BadConfig_KeepsServingTheLastGoodOne()
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));
        var reloader = server.Services.GetRequiredService<GatewayReloader>();
        using var http = server.CreateClient(admin);

        var failed = await reloader.ReloadAsync(() => throw new InvalidOperationException("config.yml:3: admin.identity: missing"), TestContext.Current.CancellationToken);
        var invalid = await reloader.ReloadAsync(
            () => TestServer.Config("x", new PolicyConfig("a", [], [], ["x"])),
            TestContext.Current.CancellationToken);
        using var status = await http.GetPathAsync("/v1/status");

        Assert.False(failed);
        Assert.False(invalid);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task Reload_DeclaredKeys_AreCreated_ExistingOnesKept()
    {
        using var admin = TestCertificates.CreateClient();
        var store = new FaultyKeyStore();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)), store);
        var reloader = server.Services.GetRequiredService<GatewayReloader>();
        using var http = server.CreateClient(admin);
        (await http.PostJsonAsync("/v1/key/create/existing", null)).Dispose();
        var existing = await store.GetAsync("existing", TestContext.Current.CancellationToken);

        var reloaded = await reloader.ReloadAsync(
            () => TestServer.Config(TestServer.IdentityOf(admin)) with { Keys = ["existing", "declared"] },
            TestContext.Current.CancellationToken);

        Assert.True(reloaded);
        Assert.Equal(existing, await store.GetAsync("existing", TestContext.Current.CancellationToken));
        Assert.NotNull(await store.GetAsync("declared", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Reload_ToAnotherKeystore_ThePreviousCacheServesRequestsInFlight_UntilItIsRetired()
    {
        using var admin = TestCertificates.CreateClient();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var first = Directory.CreateTempSubdirectory("kesgw-reload-a-").FullName;
        var second = Directory.CreateTempSubdirectory("kesgw-reload-b-").FullName;
        try
        {
            var config = TestServer.Config(TestServer.IdentityOf(admin)) with { KeyStore = new FsKeyStoreConfig(first) };
            await using var server = await TestServer.StartAsync(config, time: time);
            var holder = server.Services.GetRequiredService<GatewayStateHolder>();
            var previous = holder.Current.Default.Keys!;

            Assert.True(await server.Services.GetRequiredService<GatewayReloader>().ReloadAsync(
                () => config with { KeyStore = new FsKeyStoreConfig(second) }, TestContext.Current.CancellationToken));
            var whileRetiring = await previous.RentAsync("missing", TestContext.Current.CancellationToken);
            time.Advance(GatewayReloader.RetireAfter);
            await WaitForDisposalAsync(previous);

            Assert.Null(whileRetiring);
            Assert.NotSame(previous, holder.Current.Default.Keys);
        }
        finally
        {
            Directory.Delete(first, recursive: true);
            Directory.Delete(second, recursive: true);
        }
    }

    // The retirement runs on the timer's thread once the clock moved; it is done when the cache refuses to serve.
    private static async Task WaitForDisposalAsync(KesGateway.Core.Keystore.KeyCache cache)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                (await cache.RentAsync("missing", timeout.Token))?.Dispose();
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            await Task.Delay(10, timeout.Token);
        }
    }
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;
using KesGateway.Tests.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.Tenancy;

/// <summary>Certificates and the config reload when their files change, without dropping the connections already open.</summary>
public sealed class CertificateReloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-certreload-").FullName;
    private readonly X509Certificate2 _admin = TestCertificates.CreateClient("CN=admin");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _admin.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task RotatedCertificate_NewHandshakesGetIt_OpenConnectionKeepsWorking()
    {
        TestGateway.WriteServerCertificate(_dir, "localhost", "server");
        var configPath = WriteConfig("server.crt", "server.key");
        await using var gateway = await StartAsync(configPath, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var watcher = gateway.Services.GetRequiredService<ConfigWatcher>();
        var seen = new List<string>();
        using var open = gateway.Client("localhost", _admin, c => seen.Add(c.Thumbprint));
        (await open.GetPathAsync("/v1/status")).Dispose();

        TestGateway.WriteServerCertificate(_dir, "localhost", "server");
        var noticed = await watcher.CheckAsync();
        using var sameConnection = await open.GetPathAsync("/v1/status");
        string? fresh = null;
        using var newClient = gateway.Client("localhost", _admin, c => fresh = c.Thumbprint);
        using var afterRotation = await newClient.GetPathAsync("/v1/status");

        Assert.True(noticed, "the rewritten certificate was noticed and applied");
        Assert.Equal(HttpStatusCode.OK, sameConnection.StatusCode);
        Assert.Single(seen);
        Assert.Equal(HttpStatusCode.OK, afterRotation.StatusCode);
        Assert.NotEqual(seen[0], fresh);
        Assert.False(await watcher.CheckAsync(), "nothing changed since");
    }

    [Fact]
    public async Task KubernetesSymlinkSwap_IsNoticedByTheFileEvents_AndApplied()
    {
        // The layout a Kubernetes secret volume has: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>/
        var first = Directory.CreateDirectory(Path.Combine(_dir, "..2026_11_29_01")).FullName;
        var second = Directory.CreateDirectory(Path.Combine(_dir, "..2026_11_29_02")).FullName;
        TestGateway.WriteServerCertificate(first, "localhost", "tls");
        TestGateway.WriteServerCertificate(second, "localhost", "tls");
        File.CreateSymbolicLink(Path.Combine(_dir, "..data"), first);
        File.CreateSymbolicLink(Path.Combine(_dir, "tls.crt"), Path.Combine("..data", "tls.crt"));
        File.CreateSymbolicLink(Path.Combine(_dir, "tls.key"), Path.Combine("..data", "tls.key"));
        var configPath = WriteConfig("tls.crt", "tls.key");
        await using var gateway = await StartAsync(configPath, TimeProvider.System);
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Reloader.Applied += _ => applied.TrySetResult();

        // The atomic swap kubelet does: a new link, renamed over the old one.
        File.CreateSymbolicLink(Path.Combine(_dir, "..data_tmp"), second);
        Assert.Equal(0, Rename(Path.Combine(_dir, "..data_tmp"), Path.Combine(_dir, "..data")));
        await applied.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        string? fresh = null;
        using var client = gateway.Client("localhost", _admin, c => fresh = c.Thumbprint);
        using var response = await client.GetPathAsync("/v1/status");

        using var expected = TestCertificates.FromPem(File.ReadAllText(Path.Combine(second, "tls.crt")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.Thumbprint, fresh);
    }

    [Fact]
    public async Task BrokenEdit_KeepsTheLastGoodConfig_CountsTheRejection_NextGoodEditApplies()
    {
        TestGateway.WriteServerCertificate(_dir, "localhost", "server");
        var configPath = WriteConfig("server.crt", "server.key");
        await using var gateway = await StartAsync(configPath, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var watcher = gateway.Services.GetRequiredService<ConfigWatcher>();
        using var http = gateway.Client("localhost", _admin);

        await File.WriteAllTextAsync(configPath, "admin:\n  identity: \ntls: [", Ct);
        var broken = await watcher.CheckAsync();
        using var stillServing = await http.GetPathAsync("/v1/status");
        var retried = await watcher.CheckAsync();
        WriteConfig("server.crt", "server.key", extraPolicy: true);
        var fixedUp = await watcher.CheckAsync();
        using var metrics = await http.GetPathAsync("/v1/metrics");
        var text = await metrics.BodyAsync();

        Assert.False(broken);
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
        Assert.False(retried, "the same broken content is not retried on every look");
        Assert.True(fixedUp);
        Assert.Contains("kesgw_config_reloads_total{result=\"rejected\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("kesgw_config_reloads_total{result=\"applied\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchOff_StartsNoWatcher()
    {
        TestGateway.WriteServerCertificate(_dir, "localhost", "server");
        var configPath = WriteConfig("server.crt", "server.key");
        var config = KesConfigLoader.Load(configPath) with { Watch = false };
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = config, ConfigPath = configPath });

        Assert.Null(gateway.Services.GetService<ConfigWatcher>());
    }

    // rename(2) replaces a symlink atomically; File.Move follows a link to a directory and refuses.
#pragma warning disable SYSLIB1054, CA2101, CA5392
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename(string from, string to);
#pragma warning restore SYSLIB1054, CA2101, CA5392

    private static Task<TestGateway> StartAsync(string configPath, TimeProvider time) =>
        TestGateway.StartAsync(new GatewayOptions
        {
            Config = KesConfigLoader.Load(configPath),
            ConfigPath = configPath,
            Time = time,
            ConfigWatchDebounce = TimeSpan.FromMilliseconds(50),
        });

    private string WriteConfig(string cert, string key, bool extraPolicy = false)
    {
        var path = Path.Combine(_dir, "config.yml");
        var policy = extraPolicy ? "policy:\n  extra:\n    allow: [/v1/status]\n    identities: [" + new string('a', 64) + "]\n" : string.Empty;
        File.WriteAllText(path, $"""
            admin:
              identity: {TestServer.IdentityOf(_admin)}
            tls:
              cert: {cert}
              key: {key}
            {policy}keystore:
              fs:
                path: keys
            """);
        return path;
    }
}

using System.Text.Json;
using KesGateway.LoadTests;

namespace KesGateway.FunctionalTests.LoadTests;

/// <summary>
/// CI's smoke run of the load-test harness: a few seconds of each mode in-process, checking that every report is written and
/// readable. No timing assertions: the numbers belong to the manual runs in loadtests/README.md. Runs are bounded by a
/// request count or a low open-loop rate, and the collection runs alone, so the harness never starves timing-sensitive tests.
/// </summary>
[Collection(LoadHarnessGroup.Name)]
public sealed class LoadHarnessSmokeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-load-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task SideBySide_ClosedLoopAndHalfPeakOpenLoop_WritesEveryReport()
    {
        var exit = await RunAsync("side-by-side", "-s", "generate", "-p", "h1", "-c", "2", "-k", "2", "-d", "1s", "-n", "300", "--warmup", "0s", "--settle", "200ms", "--half-peak");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "report.json"), TestContext.Current.CancellationToken));
        var runs = json.RootElement.GetProperty("runs");
        Assert.Equal(4, runs.GetArrayLength());
        Assert.Equal(["native", "forwarded", "ceiling", "native"], runs.EnumerateArray().Select(r => r.GetProperty("target").GetString()).ToArray());
        Assert.All(runs.EnumerateArray(), r => Assert.True(r.GetProperty("requests").GetInt64() > 0));
        Assert.All(runs.EnumerateArray(), r => Assert.Equal(0, r.GetProperty("errors").GetInt64()));
        Assert.Contains("open loop", runs[3].GetProperty("simulation").GetString(), StringComparison.Ordinal);
        Assert.True(runs[3].GetProperty("sendLag").GetProperty("maxMs").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Null, runs[0].GetProperty("sendLag").ValueKind);
        Assert.Contains(json.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("--settle", StringComparison.Ordinal));
        var row = Assert.Single(json.RootElement.GetProperty("comparison").EnumerateArray());
        Assert.True(row.GetProperty("nativeToCeiling").GetDouble() > 0);
        Assert.True(json.RootElement.GetProperty("machine").GetProperty("processorCount").GetInt32() > 0);

        var html = await File.ReadAllTextAsync(Path.Combine(_dir, "report.html"), TestContext.Current.CancellationToken);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("<polyline", html, StringComparison.Ordinal);
        Assert.Contains("<rect", html, StringComparison.Ordinal);
        Assert.Contains("Latency histogram", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        var markdown = await File.ReadAllTextAsync(Path.Combine(_dir, "report.md"), TestContext.Current.CancellationToken);
        Assert.Contains("| generate | HTTP/1.1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("### Open-loop send lag", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SideBySide_Http2Ramp_DecryptAndBulkDecrypt()
    {
        var exit = await RunAsync("side-by-side", "-s", "decrypt,bulk-decrypt", "-p", "h2", "--simulation", "ramp", "--ramp-from", "20", "-r", "100", "-c", "2", "-d", "1s", "-n", "60", "--warmup", "0s", "--bulk-size", "10");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "report.json"), TestContext.Current.CancellationToken));
        var runs = json.RootElement.GetProperty("runs");
        Assert.Equal(6, runs.GetArrayLength());
        Assert.All(runs.EnumerateArray(), r => Assert.Equal("HTTP/2", r.GetProperty("protocol").GetString()));
        Assert.All(runs.EnumerateArray(), r => Assert.True(r.GetProperty("requests").GetInt64() > 0));
        Assert.All(runs.EnumerateArray(), r => Assert.Equal(0, r.GetProperty("errors").GetInt64()));
    }

    [Fact]
    public async Task Outage_VaultAwayMidRun_ReportsPhases()
    {
        var exit = await RunAsync("outage", "-s", "generate", "--simulation", "open", "-r", "50", "-c", "2", "-d", "4s", "--outage-at", "1s", "--outage-for", "2s", "--cache-expiry", "1s");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "report.json"), TestContext.Current.CancellationToken));
        var run = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal(["before", "during", "after"], run.GetProperty("phases").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray());
        Assert.True(run.GetProperty("requests").GetInt64() > 0);
    }

    [Theory]
    [InlineData("https://10.1.2.3:7373")]
    [InlineData("https://example.com:7373")]
    public async Task Run_NonLoopbackTarget_IsRefused(string target)
    {
        var exit = await RunAsync("run", "-t", target, "-d", "1s");

        Assert.Equal(2, exit);
        Assert.False(File.Exists(Path.Combine(_dir, "report.json")));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("localhost")]
    public void Loopback_Targets_AreAccepted(string host) =>
        Assert.True(System.Net.IPAddress.IsLoopback(Loopback.Resolve(new Uri($"https://{host}:7373")).Address));

    [Fact]
    public void ParseDuration_Units() =>
        Assert.Equal(
            [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(3)],
            new[] { "500ms", "10s", "2m", "3" }.Select(LoadTestCommandLine.ParseDuration).ToArray());

    private Task<int> RunAsync(params string[] args) =>
        LoadTestCommandLine.Build().Parse([.. args, "-o", _dir, "--no-progress"]).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadHarnessGroup
{
    public const string Name = "load harness";
}

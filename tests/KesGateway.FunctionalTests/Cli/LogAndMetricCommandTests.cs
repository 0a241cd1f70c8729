using System.Text.Json;
using KesGateway.Cli.Infrastructure;
using KesGateway.Core.Identity;
using KesGateway.FunctionalTests.Server;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.Cli;

/// <summary><c>kesgw log</c> follows the NDJSON streams until Ctrl+C; <c>kesgw metric</c> reads every --rate on the injected clock.</summary>
public sealed class LogAndMetricCommandTests
{
    [Theory]
    [InlineData(CliCredentials.ApiKeyKind)]
    [InlineData(CliCredentials.CertificateKind)]
    public async Task LogAudit_Json_FollowsUntilCtrlC_Exit0(string credentials)
    {
        await using var bed = await CliTestBed.StartAsync(credentials);
        await using var log = bed.Cli().Start("log", "-k");
        await log.Stderr.WaitForAsync("Following the audit log of " + bed.Address);

        await bed.Cli().RunAsync("key", "create", "followed", "-k");
        await bed.Cli().RunAsync("key", "info", "missing", "-k");
        await log.Stdout.WaitForAsync("/v1/key/describe/missing");
        await log.CancelAsync();
        var exitCode = await log.Exit;

        Assert.Equal(CliExitCodes.Success, exitCode);
        var events = log.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).ToList();
        var created = events.Single(e => e.RootElement.GetProperty("request").GetProperty("path").GetString() == "/v1/key/create/followed");
        Assert.Equal(200, created.RootElement.GetProperty("response").GetProperty("code").GetInt32());
        Assert.Equal(bed.Admin.Identity, created.RootElement.GetProperty("request").GetProperty("identity").GetString());
        Assert.Equal("127.0.0.1", created.RootElement.GetProperty("request").GetProperty("ip").GetString());
        Assert.Contains(events, e => e.RootElement.GetProperty("response").GetProperty("code").GetInt32() == 404);
        Assert.DoesNotContain("Error", log.Stderr.Text, StringComparison.Ordinal);
        events.ForEach(e => e.Dispose());
    }

    [Fact]
    public async Task LogAudit_Terminal_KesColumns()
    {
        await using var bed = await CliTestBed.StartAsync();
        await using var log = bed.Cli(terminal: true).Start("log", "--audit", "-k");
        await log.Stdout.WaitForAsync("Latency\n");

        await bed.Cli().RunAsync("key", "create", "k", "-k");
        await log.Stdout.WaitForAsync("/v1/key/create/k");
        await log.CancelAsync();

        Assert.Equal(CliExitCodes.Success, await log.Exit);
        var lines = log.Stdout.Text.Split('\n');
        Assert.Equal("Time        Status    Identity                IP                 API                               Latency", lines[0]);
        var row = lines.Single(l => l.Contains("/v1/key/create/k", StringComparison.Ordinal));
        Assert.Matches($"^\\d\\d:\\d\\d:\\d\\d    200       {bed.Admin.Identity[..20]}    127\\.0\\.0\\.1          /v1/key/create/k                  \\d", row);
    }

    [Fact]
    public async Task LogError_ShowsDenials_Text()
    {
        await using var bed = await CliTestBed.StartAsync();
        await using var log = bed.Cli(terminal: true).Start("log", "--error", "-k");
        await log.Stderr.WaitForAsync("Following the error log");

        await bed.Cli(@as: bed.User).RunAsync("key", "create", "app-x", "-k");
        await log.Stdout.WaitForAsync("access denied");
        await log.CancelAsync();

        Assert.Equal(CliExitCodes.Success, await log.Exit);
        var line = log.Stdout.Text.Split('\n').First(l => l.Contains("access denied", StringComparison.Ordinal));
        Assert.Contains(bed.User.Identity, line, StringComparison.Ordinal);
        Assert.Contains("/v1/key/create/app-x", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_AuditAndError_Exit2()
    {
        await using var bed = await CliTestBed.StartAsync();

        var run = await bed.Cli().RunAsync("log", "--audit", "--error", "-k");

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Equal("Error: cannot display audit and error logs at the same time: use --audit or --error\n", run.Stderr);
    }

    [Fact]
    public async Task MetricOnce_Json_KesMetricFields()
    {
        await using var bed = await CliTestBed.StartAsync();
        await bed.Cli().RunAsync("key", "create", "k", "-k");
        await bed.Cli().RunAsync("key", "info", "missing", "-k");

        var run = await bed.Cli().RunAsync("metric", "--once", "-k");

        Assert.Equal((0, string.Empty), (run.ExitCode, run.Stderr));
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.True(json.RootElement.GetProperty("kes_http_request_success").GetInt64() >= 1);
        Assert.True(json.RootElement.GetProperty("kes_http_request_error").GetInt64() >= 1);
        Assert.True(json.RootElement.GetProperty("kes_system_up_time").GetInt64() > 0);
        Assert.True(json.RootElement.GetProperty("kes_http_response_time").TryGetProperty("10000000", out _));
    }

    [Fact]
    public async Task Metric_NotATerminal_OneJsonLinePerRate_UntilCtrlC()
    {
        await using var bed = await CliTestBed.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var metric = bed.Cli(time: time).Start("metric", "-k", "--rate", "10s");
        await metric.Stdout.WaitForAsync("\n");

        time.Advance(TimeSpan.FromSeconds(10));
        await metric.Stdout.WaitForAsync("\n", count: 2);
        await metric.CancelAsync();

        Assert.Equal(CliExitCodes.Success, await metric.Exit);
        var lines = metric.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
    }

    [Fact]
    public async Task Metric_Terminal_RedrawsEveryRate_WithTheRequestRate()
    {
        await using var bed = await CliTestBed.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var metric = bed.Cli(terminal: true, time: time).Start("metric", "-k");
        await metric.Stdout.WaitForAsync("Threads\n");

        for (var i = 0; i < 5; i++)
        {
            await bed.Cli().RunAsync("key", "create", $"k{i}", "-k");
        }

        time.Advance(TimeSpan.FromSeconds(5));
        await metric.Stdout.WaitForAsync("Threads\n", count: 2);
        await metric.CancelAsync();

        Assert.Equal(CliExitCodes.Success, await metric.Exit);
        var text = metric.Stdout.Text;
        Assert.StartsWith("\x1b[?25l\nRequest    OK [2xx]       Err [4xx]       Err [5xx]      Req/s        Latency\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\x1b[?25h", text, StringComparison.Ordinal);
        var frames = text.Split("\x1b[8F\x1b[J");
        Assert.Equal(2, frames.Length);
        var counters = frames[1].Split('\n')[2];
        Assert.Equal("5", counters[..19].Trim());
        Assert.Equal("1.00", counters[51..62].Trim());
        Assert.Contains("100.00%", frames[1], StringComparison.Ordinal);
        Assert.Contains("System       UpTime            Heap           Stack       CPUs        Threads\n", frames[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metric_Terminal_ServerGoes_KeepsTheLastReadingAndSaysWhy_ThenEndsOnCtrlC()
    {
        using var admin = ApiKey.Generate();
        var server = await TestServer.StartAsync(TestServer.Config(admin.Identity.Value));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cli = new KesgwInProcess { IsTerminal = true, TimeProvider = time }
            .With("KES_SERVER", server.Address.ToString()).With("KES_API_KEY", admin.ToString());
        await using var metric = cli.Start("metric", "-k");
        await metric.Stdout.WaitForAsync("Threads\n");

        await server.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        await metric.Stdout.WaitForAsync("failed: failed to read the metrics: ");
        await metric.CancelAsync();

        Assert.Equal(CliExitCodes.Success, await metric.Exit);
        var frames = metric.Stdout.Text.Split("\x1b[8F\x1b[J");
        Assert.Equal(2, frames.Length);
        Assert.Contains("Threads\n", frames[1], StringComparison.Ordinal);
        Assert.Contains("Is the server running?", frames[1], StringComparison.Ordinal);
        Assert.Empty(metric.Stderr.Text);
    }

    [Fact]
    public async Task Metric_BadRate_Exit2()
    {
        var run = await new KesgwInProcess().RunAsync("metric", "--rate", "soon");

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("Error: invalid --rate 'soon': ", run.Stderr, StringComparison.Ordinal);
    }
}

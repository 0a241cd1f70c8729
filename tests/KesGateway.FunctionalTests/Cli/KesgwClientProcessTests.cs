using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.FunctionalTests.Cli;

/// <summary>Client commands through the real executable: environment variables, exit codes, stdout/stderr, Ctrl+C.</summary>
public sealed class KesgwClientProcessTests
{
    [Fact]
    public async Task ClientCommands_RealExecutable_ExitCodesAndNoStackTraces()
    {
        await using var bed = await CliTestBed.StartAsync();
        var admin = new Dictionary<string, string> { ["KES_SERVER"] = bed.Address, ["KES_API_KEY"] = bed.Admin.ApiKey!.ToString() };
        var user = new Dictionary<string, string> { ["KES_SERVER"] = bed.Address, ["KES_API_KEY"] = bed.User.ApiKey!.ToString() };
        var closed = new Dictionary<string, string>(admin) { ["KES_SERVER"] = $"127.0.0.1:{ClosedPort()}" };

        var created = await KesgwProcess.RunAsync(admin, "key", "create", "my-key-1", "-k");
        var dek = await KesgwProcess.RunAsync(admin, "key", "dek", "my-key-1", "-k");
        var exists = await KesgwProcess.RunAsync(admin, "key", "create", "my-key-1", "-k");
        var missing = await KesgwProcess.RunAsync(admin, "key", "info", "nope", "-k");
        var noKey = await KesgwProcess.RunAsync(new Dictionary<string, string> { ["KES_SERVER"] = bed.Address }, "status", "-k");
        var unreachable = await KesgwProcess.RunAsync(closed, "status", "-k");
        var untrusted = await KesgwProcess.RunAsync(admin, "status");
        var forbidden = await KesgwProcess.RunAsync(user, "key", "rm", "my-key-1", "-k");

        Assert.Equal((0, string.Empty, string.Empty), created);
        Assert.Equal(0, dek.ExitCode);
        using (var json = JsonDocument.Parse(dek.Stdout))
        {
            Assert.Equal(32, json.RootElement.GetProperty("plaintext").GetBytesFromBase64().Length);
        }

        Assert.Equal(CliExitCodes.AlreadyExists, exists.ExitCode);
        Assert.Equal(CliExitCodes.NotFound, missing.ExitCode);
        Assert.Equal(CliExitCodes.Usage, noKey.ExitCode);
        Assert.Equal(CliExitCodes.Unreachable, unreachable.ExitCode);
        Assert.Equal(CliExitCodes.Tls, untrusted.ExitCode);
        Assert.Equal(CliExitCodes.Forbidden, forbidden.ExitCode);
        foreach (var failed in new[] { exists, missing, noKey, unreachable, untrusted, forbidden })
        {
            Assert.Empty(failed.Stdout);
            Assert.StartsWith("Error: ", failed.Stderr, StringComparison.Ordinal);
            Assert.Single(failed.Stderr.TrimEnd('\n').Split('\n'));
            Assert.DoesNotContain(" at ", failed.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(bed.Admin.ApiKey!.ToString(), failed.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(bed.User.ApiKey!.ToString(), failed.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Log_RealExecutable_CtrlC_Exits0()
    {
        await using var bed = await CliTestBed.StartAsync();
        var environment = new Dictionary<string, string> { ["KES_SERVER"] = bed.Address, ["KES_API_KEY"] = bed.Admin.ApiKey!.ToString() };
        await using var log = KesgwServerProcess.StartWithEnvironment(bed.Directory, environment, "log", "-k");
        await log.WaitForStderrAsync("Following the audit log");

        await bed.Cli().RunAsync("key", "create", "seen-by-log", "-k");
        var line = await log.WaitForStdoutAsync("/v1/key/create/seen-by-log");
        await log.SignalAsync("INT");
        var exitCode = await log.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(line);
        Assert.Equal(200, json.RootElement.GetProperty("response").GetProperty("code").GetInt32());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

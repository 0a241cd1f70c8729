using KesGateway.Cli.Infrastructure;
using KesGateway.Server.Hosting;

namespace KesGateway.Tests.Cli;

public class KesCommandLineTests
{
    [Fact]
    public async Task Version_Flag_PrintsVersionLine()
    {
        var run = await CliRunner.RunAsync(true, "--version");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal(GatewayApp.Version + Environment.NewLine, run.Stdout);
        Assert.Empty(run.Stderr);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("identity", "--help")]
    [InlineData("identity", "new", "--help")]
    [InlineData("identity", "of", "-h")]
    public async Task Help_AnyCommand_PrintsDescriptionAndUsage(params string[] args)
    {
        var run = await CliRunner.RunAsync(true, args);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Contains("Description:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Usage:", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task Help_Root_ListsIdentityAndExitCodes()
    {
        var run = await CliRunner.RunAsync(true, "--help");

        Assert.Contains("identity", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 success, 1 failure, 2 bad usage or input, 3 server unreachable", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("identity", "new", "--help", "kesgw identity new --key server.key --cert server.crt")]
    [InlineData("identity", "of", "--help", "kesgw identity of kes:v1:")]
    public async Task Help_Subcommand_ShowsExamples(string group, string command, string help, string example)
    {
        var run = await CliRunner.RunAsync(true, group, command, help);

        Assert.Contains("Examples:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(example, run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "Error: missing command. See 'kesgw --help'")]
    [InlineData(new[] { "identity" }, "Error: missing command: use 'new', 'of', 'cert', 'info' or 'ls'. See 'kesgw identity --help'")]
    [InlineData(new[] { "bogus" }, "Error: unrecognized command or argument 'bogus'")]
    [InlineData(new[] { "identity", "bogus" }, "Error: unrecognized command or argument 'bogus'")]
    [InlineData(new[] { "--bogus" }, "Error: unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "identity", "of" }, "Error: Required argument missing for command: 'of'.")]
    public async Task Invoke_BadUsage_ErrorOnStderrExit2(string[] args, string firstLine)
    {
        var run = await CliRunner.RunAsync(true, args);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal(firstLine, run.Stderr.Split(Environment.NewLine)[0]);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }
}

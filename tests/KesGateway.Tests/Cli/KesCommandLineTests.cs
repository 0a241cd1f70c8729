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
    [InlineData("--help")]
    [InlineData("key", "--help")]
    [InlineData("identity", "-h")]
    public async Task Help_Group_ListsSubcommandsWithTheirFirstParagraphOnly(params string[] args)
    {
        var run = await CliRunner.RunAsync(true, args);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Contains("Commands:", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Examples:", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("KES_CLIENT_CERT", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void SummaryHelp_CutsEntriesAtTheirFirstBlankLine_KeepsOtherSections()
    {
        var help = "Description:\n  Root.\n  \n  More.\n\nCommands:\n  a     First line\n        second line\n  \n        Examples:\n          kesgw a\n  b <X>  Only line\n\nFooter\n";

        var summary = KesGateway.Cli.Infrastructure.SummaryHelpAction.Summarize(help).ReplaceLineEndings("\n");

        Assert.Equal("Description:\n  Root.\n  \n  More.\n\nCommands:\n  a     First line\n        second line\n  b <X>  Only line\n\nFooter\n", summary);
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

    [Theory]
    [InlineData("status")]
    [InlineData("ls")]
    [InlineData("key", "create")]
    [InlineData("key", "import")]
    [InlineData("key", "info")]
    [InlineData("key", "ls")]
    [InlineData("key", "rm")]
    [InlineData("key", "encrypt")]
    [InlineData("key", "decrypt")]
    [InlineData("key", "dek")]
    [InlineData("key", "hmac")]
    [InlineData("policy", "info")]
    [InlineData("policy", "ls")]
    [InlineData("policy", "show")]
    [InlineData("identity", "info")]
    [InlineData("identity", "ls")]
    [InlineData("log")]
    [InlineData("metric")]
    public async Task Help_ClientCommand_ExampleConnectionVariablesAndOptions(params string[] command)
    {
        var run = await CliRunner.RunAsync(true, [.. command, "--help"]);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        var examples = run.Stdout.ReplaceLineEndings("\n").Split("Examples:\n")[1];
        Assert.Contains("kesgw " + string.Join(' ', command) + " ", examples, StringComparison.Ordinal);
        foreach (var text in new[] { "KES_SERVER", "KES_API_KEY", "KES_CLIENT_CERT", "KES_CLIENT_KEY", "-k, --insecure", "--ca", "--server" })
        {
            Assert.Contains(text, run.Stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("--enclave", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "key" }, "Error: missing command: use 'create', 'import', 'info', 'ls', 'rm', 'encrypt', 'decrypt', 'dek' or 'hmac'. See 'kesgw key --help'")]
    [InlineData(new[] { "policy" }, "Error: missing command: use 'info', 'ls' or 'show'. See 'kesgw policy --help'")]
    [InlineData(new[] { "key", "create" }, "Error: Required argument missing for command: 'create'.")]
    [InlineData(new[] { "key", "info", "a", "b" }, "Error: unrecognized command or argument 'b'")]
    [InlineData(new[] { "key", "dek", "k", "not base64!" }, "Error: invalid context: not base64. See 'kesgw key dek --help'")]
    [InlineData(new[] { "key", "import", "k", "AAAA", "--algorithm", "DES" }, "Error: invalid --algorithm 'DES': use 'AES256' or 'ChaCha20'")]
    [InlineData(new[] { "status", "--bogus" }, "Error: unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "key", "ls", "--bogus" }, "Error: unknown option '--bogus'. See 'kesgw key ls --help'")]
    public async Task ClientCommand_BadUsage_Exit2BeforeAnyConnectionSetting(string[] args, string firstLine)
    {
        // No environment at all: usage errors come before "no API key specified".
        var run = await CliRunner.RunAsync(true, args);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal(firstLine, run.Stderr.Split(Environment.NewLine)[0]);
    }

    [Fact]
    public async Task ClientCommand_EnclaveFlag_AcceptedAndIgnoredLikeKes()
    {
        var run = await CliRunner.RunAsync(true, "key", "create", "k", "-e", "tenant-1");

        Assert.Equal("Error: no API key specified. Set KES_API_KEY (or KES_CLIENT_CERT and KES_CLIENT_KEY)" + Environment.NewLine, run.Stderr);
    }
}

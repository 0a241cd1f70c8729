using System.CommandLine;
using KesGateway.Cli;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Tests.Cli;

/// <summary>Runs <c>kesgw</c> in-process with captured stdout/stderr and a chosen "is terminal" answer.</summary>
internal static class CliRunner
{
    public static async Task<CliRun> RunAsync(bool isTerminal, TimeProvider? timeProvider, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CliContext(isTerminal, timeProvider ?? TimeProvider.System);

        var exitCode = await KesCommandLine.Build(context)
            .Parse(args)
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, TestContext.Current.CancellationToken);

        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    public static Task<CliRun> RunAsync(bool isTerminal, params string[] args) => RunAsync(isTerminal, null, args);
}

internal sealed record CliRun(int ExitCode, string Stdout, string Stderr);

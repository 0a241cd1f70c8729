using System.CommandLine;
using KesGateway.Cli;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.FunctionalTests.Cli;

/// <summary>
/// Runs <c>kesgw</c> commands in-process through the real command tree, with captured stdout/stderr, a chosen "is
/// terminal" answer, clock and environment variables (nothing is read from the test process's environment).
/// </summary>
internal sealed class KesgwInProcess
{
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public bool IsTerminal { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The answer to a password prompt (null: nobody to ask, as without a terminal).</summary>
    public string? Password { get; init; }

    public List<string> Prompts { get; } = [];

    public KesgwInProcess With(string variable, string value)
    {
        Environment[variable] = value;
        return this;
    }

    public async Task<CliRun> RunAsync(params string[] args)
    {
        await using var running = Start(args);
        var exitCode = await running.Exit;
        return new CliRun(exitCode, running.Stdout.Text, running.Stderr.Text);
    }

    /// <summary>Starts a command that runs until it ends or <see cref="Running.CancelAsync"/> (Ctrl+C) is called.</summary>
    public Running Start(params string[] args)
    {
        var stdout = new WatchedWriter();
        var stderr = new WatchedWriter();
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var context = new CliContext(IsTerminal, TimeProvider, name => Environment.GetValueOrDefault(name), prompt =>
        {
            Prompts.Add(prompt);
            return Password;
        });
        var configuration = new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null };
        var exit = Task.Run(() => KesCommandLine.Build(context).Parse(args).InvokeAsync(configuration, cancellation.Token), TestContext.Current.CancellationToken);
        return new Running(exit, stdout, stderr, cancellation);
    }

    internal sealed class Running(Task<int> exit, WatchedWriter stdout, WatchedWriter stderr, CancellationTokenSource cancellation) : IAsyncDisposable
    {
        public Task<int> Exit { get; } = exit;

        public WatchedWriter Stdout { get; } = stdout;

        public WatchedWriter Stderr { get; } = stderr;

        /// <summary>What Ctrl+C does: cancels the command's token.</summary>
        public Task CancelAsync() => cancellation.CancelAsync();

        public async ValueTask DisposeAsync()
        {
            if (!Exit.IsCompleted)
            {
                await cancellation.CancelAsync();
            }

            try
            {
                await Exit;
            }
            catch (OperationCanceledException)
            {
                // The test was cancelled.
            }

            cancellation.Dispose();
            Stdout.Dispose();
            Stderr.Dispose();
        }
    }
}

internal sealed record CliRun(int ExitCode, string Stdout, string Stderr);

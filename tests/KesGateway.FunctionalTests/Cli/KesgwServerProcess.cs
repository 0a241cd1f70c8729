using System.Diagnostics;
using System.Threading.Channels;

namespace KesGateway.FunctionalTests.Cli;

/// <summary>A running <c>kesgw server</c> process whose output lines a test can wait for; killed on dispose.</summary>
internal sealed class KesgwServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _stderr = Channel.CreateUnbounded<string>();

    private KesgwServerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Forward(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Forward(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public List<string> StdoutSeen { get; } = [];

    /// <summary>Gets the process id (the runtime runs inside the dotnet host process, so this is the server itself).</summary>
    public int ProcessId => _process.Id;

    public List<string> StderrSeen { get; } = [];

    public static KesgwServerProcess Start(string workingDirectory, params string[] args) =>
        StartWithEnvironment(workingDirectory, null, args);

    /// <summary>Starts any kesgw command (e.g. <c>log</c>) with the KES client variables replaced by <paramref name="environment"/>.</summary>
    public static KesgwServerProcess StartWithEnvironment(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(KesgwProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        KesgwProcess.SetEnvironment(start, environment);
        start.ArgumentList.Add(KesgwProcess.KesgwDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new KesgwServerProcess(Process.Start(start)!);
    }

    /// <summary>Waits for a stdout line containing <paramref name="text"/>; fails if the process exits first.</summary>
    public Task<string> WaitForStdoutAsync(string text) => WaitAsync(_stdout, StdoutSeen, text);

    /// <summary>Waits for a stderr line containing <paramref name="text"/>.</summary>
    public Task<string> WaitForStderrAsync(string text) => WaitAsync(_stderr, StderrSeen, text);

    /// <summary>Sends a POSIX signal (HUP, TERM) with the system's kill command.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Stops the process with SIGTERM and returns every stderr line it printed.</summary>
    public async Task<List<string>> StopAndReadStderrAsync()
    {
        await SignalAsync("TERM");
        await WaitForExitAsync();
        while (_stderr.Reader.TryRead(out var line))
        {
            StderrSeen.Add(line);
        }

        return StderrSeen;
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Forward(Channel<string> channel, string? line)
    {
        if (line is null)
        {
            channel.Writer.TryComplete();
        }
        else
        {
            channel.Writer.TryWrite(line);
        }
    }

    private static async Task<string> WaitAsync(Channel<string> channel, List<string> seen, string text)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await foreach (var line in channel.Reader.ReadAllAsync(timeout.Token))
        {
            seen.Add(line);
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"the process ended before printing '{text}'. Output so far:\n{string.Join('\n', seen)}");
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KesGateway.FunctionalTests.Cli;

/// <summary>Runs the built <c>kesgw.dll</c> (copied next to the tests by the project reference) as a real process.</summary>
internal static class KesgwProcess
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        RunAsync(environment: null, args);

    /// <summary>Runs kesgw with the KES connection variables of the test process removed and <paramref name="environment"/> set.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        SetEnvironment(start, environment);
        start.ArgumentList.Add(KesgwDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var cancellationToken = TestContext.Current.CancellationToken;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Removes every variable a KES client reads (so the developer's own settings never leak in), then sets <paramref name="environment"/>.</summary>
    internal static void SetEnvironment(ProcessStartInfo start, IReadOnlyDictionary<string, string>? environment)
    {
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("KES_", StringComparison.Ordinal) || n.StartsWith("MINIO_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
    }

    internal static string KesgwDll()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "kesgw.dll"),
            Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "KesGateway.Cli", "release", "kesgw.dll")),
        ];
        return candidates.FirstOrDefault(File.Exists)
               ?? throw new FileNotFoundException("kesgw.dll not found; build src/KesGateway.Cli first", candidates[0]);
    }

    internal static string DotnetHost()
    {
        // The dotnet CLI tells child processes where it is; otherwise the runtime lives in <root>/shared/<fx>/<version>/.
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }
}

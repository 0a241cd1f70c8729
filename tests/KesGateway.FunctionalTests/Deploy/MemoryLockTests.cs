using System.Globalization;
using KesGateway.FunctionalTests.Cli;

namespace KesGateway.FunctionalTests.Deploy;

/// <summary>
/// <c>kesgw server</c> locks its memory (mlockall) when it may, says so in the banner (<c>MLock enabled</c>) and in
/// <c>kesgw_memory_locked</c>, warns on stderr naming setcap when it may not, and <c>KESGW_MLOCK=off</c> skips it.
/// </summary>
public sealed class MemoryLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-mlock-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Server_LocksMemoryWhenPermitted_ElseWarnsNamingSetcap()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "mlockall is Linux only");
        await using var server = KesgwServerProcess.Start(_dir, "server", "--dev", "--addr", "127.0.0.1:0");
        await server.WaitForStdoutAsync("Server is up and running");
        var status = ProcStatus(server.ProcessId);
        var stderr = await server.StopAndReadStderrAsync();

        if (HasIpcLockCapability())
        {
            Assert.Contains("MLock       enabled", server.StdoutSeen);
            Assert.DoesNotContain(stderr, l => l.Contains("memory is not locked", StringComparison.Ordinal));
            Assert.True(status["VmLck"] > 0, "VmLck is 0 although the banner says MLock enabled");

            // MCL_ONFAULT: the runtime's huge reserved address space is locked but not faulted in, so the resident set
            // stays that of an idle server (tens of MB), far below the locked size (tens of GB of reservations).
            Assert.True(status["VmRSS"] < 512 * 1024, $"VmRSS {status["VmRSS"]} kB: mlockall faulted reserved memory in");
        }
        else
        {
            Assert.DoesNotContain("MLock       enabled", server.StdoutSeen);
            var warning = Assert.Single(stderr, l => l.Contains("memory is not locked", StringComparison.Ordinal));
            Assert.Contains("setcap cap_ipc_lock=+ep", warning, StringComparison.Ordinal);
            Assert.Contains("AmbientCapabilities=CAP_IPC_LOCK", warning, StringComparison.Ordinal);
            Assert.Equal(0, status["VmLck"]);
        }
    }

    [Fact]
    public async Task Server_WithMlockOff_DoesNotLockAndSaysSo()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "mlockall is Linux only");
        var environment = new Dictionary<string, string> { ["KESGW_MLOCK"] = "off" };
        await using var server = KesgwServerProcess.StartWithEnvironment(_dir, environment, "server", "--dev", "--addr", "127.0.0.1:0");
        await server.WaitForStdoutAsync("Server is up and running");

        var locked = ProcStatus(server.ProcessId)["VmLck"];
        var stderr = await server.StopAndReadStderrAsync();

        Assert.DoesNotContain("MLock       enabled", server.StdoutSeen);
        Assert.Contains("Warning: memory is not locked: KESGW_MLOCK=off turned mlock off, so keys in memory may be swapped to disk", stderr);
        Assert.Equal(0, locked);
    }

    // CapEff in /proc/self/status: the child inherits the test host's capabilities; CAP_IPC_LOCK is bit 14.
    private static bool HasIpcLockCapability()
    {
        var capEff = File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        var mask = ulong.Parse(capEff["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (mask & (1UL << 14)) != 0;
    }

    private static Dictionary<string, long> ProcStatus(int pid) =>
        File.ReadLines($"/proc/{pid}/status")
            .Where(l => l.StartsWith("Vm", StringComparison.Ordinal) && l.EndsWith(" kB", StringComparison.Ordinal))
            .ToDictionary(
                l => l[..l.IndexOf(':', StringComparison.Ordinal)],
                l => long.Parse(l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..^3].Trim(), CultureInfo.InvariantCulture));
}

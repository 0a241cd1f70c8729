using System.Runtime.InteropServices;

namespace KesGateway.Server.Hosting;

/// <summary>
/// Locks the process memory into RAM (<c>mlockall</c>) so keys are never written to swap, as KES does on Linux.
/// </summary>
/// <remarks>
/// The lock is process-wide, so its state is static. It uses <c>MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT</c> (Linux ≥ 4.4):
/// pages are locked as they are touched, so the runtime's large reserved-but-unused address space (the GC reserves
/// hundreds of GB of it) is never faulted in. Without <c>CAP_IPC_LOCK</c> the kernel refuses (the process's address
/// space is far above <c>RLIMIT_MEMLOCK</c>); that is a warning, never a failure. <c>KESGW_MLOCK=off</c> skips it.
/// </remarks>
public static class MemoryLock
{
    /// <summary>The environment variable that turns memory locking off when set to <c>off</c>, <c>false</c> or <c>0</c>.</summary>
    public const string OptOutVariable = "KESGW_MLOCK";

    private const int McLCurrent = 1;
    private const int McLFuture = 2;
    private const int McLOnFault = 4;
    private const int Eperm = 1;
    private const int Enomem = 12;
    private const int Einval = 22;

    private static int _locked;

    /// <summary>Gets whether this process's memory is locked (reported as <c>kesgw_memory_locked</c>).</summary>
    public static bool IsLocked => Volatile.Read(ref _locked) == 1;

    /// <summary>Locks the process memory unless <see cref="OptOutVariable"/> says not to.</summary>
    /// <param name="environment">Reads an environment variable (the process environment when null).</param>
    /// <returns>Whether memory is locked and, when it is not, a warning saying why and how to allow it.</returns>
    public static MemoryLockResult TryLock(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var setting = environment(OptOutVariable)?.Trim();
        if (setting is not null && (setting.Equals("off", StringComparison.OrdinalIgnoreCase) || setting == "0" || setting.Equals("false", StringComparison.OrdinalIgnoreCase)))
        {
            return new MemoryLockResult(false, $"memory is not locked: {OptOutVariable}={setting} turned mlock off, so keys in memory may be swapped to disk");
        }

        if (!OperatingSystem.IsLinux())
        {
            return new MemoryLockResult(false, "memory is not locked: mlock is only used on Linux, so keys in memory may be swapped to disk");
        }

        if (IsLocked)
        {
            return new MemoryLockResult(true, null);
        }

        if (MLockAll(McLCurrent | McLFuture | McLOnFault) == 0)
        {
            Volatile.Write(ref _locked, 1);
            return new MemoryLockResult(true, null);
        }

        var errno = Marshal.GetLastPInvokeError();
        var why = errno switch
        {
            Eperm or Enomem => "the process may not lock its memory (it lacks CAP_IPC_LOCK)",
            Einval => "this kernel does not support MCL_ONFAULT (Linux 4.4 or newer is needed)",
            _ => $"mlockall failed with errno {errno}",
        };
        return new MemoryLockResult(false,
            $"memory is not locked: {why}, so keys in memory may be swapped to disk. Allow it with "
            + "'sudo setcap cap_ipc_lock=+ep $(readlink -f $(which kesgw))', AmbientCapabilities=CAP_IPC_LOCK in a systemd unit, "
            + $"or the IPC_LOCK capability in a container; or set {OptOutVariable}=off to silence this warning");
    }

    // DllImport, not LibraryImport: the generated LibraryImport stub needs AllowUnsafeBlocks, and an int-in/int-out
    // call is blittable, so the runtime's marshalling adds nothing here.
    [DllImport("libc", EntryPoint = "mlockall", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MLockAll(int flags);
}

/// <summary>The outcome of <see cref="MemoryLock.TryLock"/>.</summary>
/// <param name="Locked">Whether the process memory is locked.</param>
/// <param name="Warning">Why it is not, and how to allow it; null when locked.</param>
public sealed record MemoryLockResult(bool Locked, string? Warning);

using System.Runtime.InteropServices;

namespace KesGateway.LoadTests;

/// <summary>Sleeps for sub-millisecond spans, so an open-loop run sends each request on time without spinning a core.</summary>
/// <remarks>.NET's sleeps and timers count whole milliseconds; Linux's <c>nanosleep</c> wakes within tens of
/// microseconds (the kernel's timer slack). Elsewhere the pacer falls back to millisecond sleeps.</remarks>
internal static partial class Pacer
{
    public static void Sleep(double seconds)
    {
        if (OperatingSystem.IsLinux())
        {
            var spec = new TimeSpec { Seconds = (long)seconds, Nanoseconds = (long)((seconds - Math.Floor(seconds)) * 1e9) };
            _ = NanoSleep(in spec, IntPtr.Zero);
            return;
        }

        Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(1, seconds * 1000)));
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in TimeSpec duration, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

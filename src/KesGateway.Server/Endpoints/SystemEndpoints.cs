using System.Runtime.InteropServices;
using KesGateway.Core.Keystore;
using KesGateway.Core.Protocol;
using KesGateway.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KesGateway.Server.Endpoints;

/// <summary><c>/version</c>, <c>/v1/status</c>, <c>/v1/ready</c> and <c>/v1/api</c> (kes-compat §2.1–2.5).</summary>
internal static class SystemEndpoints
{
    public static Task VersionAsync(HttpContext context) =>
        KesResults.WriteJsonAsync(context, new VersionResponse { Version = GatewayApp.Version, Commit = GatewayApp.Commit }, KesJsonContext.Default.VersionResponse);

    public static async Task StatusAsync(HttpContext context)
    {
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var holder = context.RequestServices.GetRequiredService<GatewayStateHolder>();

        long latency = 0;
        var unreachable = false;
        var started = time.GetTimestamp();
        try
        {
            await request.Keys.StatusAsync(context.RequestAborted).ConfigureAwait(false);
            latency = Math.Max(1, (long)Math.Round(time.GetElapsedTime(started).TotalMilliseconds));
        }
        catch (KeyStoreException)
        {
            unreachable = true;
        }

        var status = new StatusResponse
        {
            Version = GatewayApp.Version,
            OS = GoOS,
            Arch = GoArch,
            Uptime = (long)Math.Round((time.GetUtcNow() - holder.StartTime).TotalSeconds),
            NumCpu = Environment.ProcessorCount,
            NumCpuUsed = Environment.ProcessorCount,
            MemHeapUsed = GC.GetTotalMemory(forceFullCollection: false),
            MemStackUsed = 0,
            KeyStoreLatency = latency,
            KeyStoreUnreachable = unreachable,
        };
        await KesResults.WriteJsonAsync(context, status, KesJsonContext.Default.StatusResponse).ConfigureAwait(false);
    }

    public static async Task ReadyAsync(HttpContext context)
    {
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        try
        {
            await request.Keys.StatusAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (KeyStoreUnreachableException)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.KeyStoreUnreachable).ConfigureAwait(false);
            return;
        }
        catch (KeyStoreException)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.KeyStoreUnavailable).ConfigureAwait(false);
            return;
        }

        await KesResults.WriteEmptyAsync(context).ConfigureAwait(false);
    }

    public static Task ApiAsync(HttpContext context)
    {
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        IReadOnlyList<ApiRouteResponse> routes = [.. request.State.Routes.Routes.Select(r => new ApiRouteResponse
        {
            Method = r.Method,
            Path = r.Path,
            MaxBody = r.MaxBody,
            Timeout = (long)r.Timeout.TotalSeconds,
        })];
        return KesResults.WriteJsonAsync(context, routes, KesJsonContext.Default.IReadOnlyListApiRouteResponse);
    }

    private static string GoOS =>
        OperatingSystem.IsLinux() ? "linux"
        : OperatingSystem.IsMacOS() ? "darwin"
        : OperatingSystem.IsWindows() ? "windows"
        : OperatingSystem.IsFreeBSD() ? "freebsd"
        : RuntimeInformation.OSDescription.ToLowerInvariant();

    private static string GoArch => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.X86 => "386",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        Architecture.LoongArch64 => "loong64",
        Architecture.RiscV64 => "riscv64",
        var other => other.ToString().ToLowerInvariant(),
    };
}

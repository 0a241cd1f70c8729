using System.CommandLine;
using System.Text;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw status</c>: the server's version, uptime, latency and platform, and with <c>--api</c> its routes (kes cmd/kes/status.go).</summary>
internal sealed class StatusCommand : ClientCommand
{
    private readonly Option<bool> _short = new("--short", "-s")
    {
        Description = "Print only the server that answered (and the routes with --api).",
    };

    private readonly Option<bool> _api = new("--api")
    {
        Description = "List the server's API routes with their timeouts (GET /v1/api); with --json only the routes.",
    };

    private readonly Option<bool> _json = JsonOption("the status");

    /// <summary>Creates the command.</summary>
    public StatusCommand(CliContext context)
        : base("status", """
            Print the status of a KES server: the server that answered, its version, uptime, the latency of the call,
            OS, CPUs, memory and whether its keystore is reachable (GET /v1/status).

            Examples:
              kesgw status
              kesgw status -k
              kesgw status --api
              KES_SERVER=kes-1:7373,kes-2:7373 kesgw status --json
            """, context)
    {
        Options.Add(_short);
        Options.Add(_api);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var stdout = parseResult.InvocationConfiguration.Output;
        var isShort = parseResult.GetValue(_short);
        var withApi = parseResult.GetValue(_api);
        var json = parseResult.GetValue(_json) || !Context.IsTerminal;

        var started = Context.TimeProvider.GetTimestamp();
        var status = await connection.CallAsync("failed to read the server status", c => c.StatusAsync(cancellationToken));
        var latency = Context.TimeProvider.GetElapsedTime(started);
        var routes = withApi
            ? await connection.CallAsync("failed to list the server APIs", c => c.ApiAsync(cancellationToken))
            : null;

        if (json)
        {
            var context = Context.IsTerminal && !isShort ? CliJsonContext.RelaxedIndented : CliJsonContext.Relaxed;
            await stdout.WriteAsync(routes is not null
                ? Json(routes, context.IReadOnlyListApiRouteResponse)
                : Json(status, context.StatusResponse));
            return CliExitCodes.Success;
        }

        var text = new StringBuilder();
        text.Append("● ").Append(connection.Client.CurrentEndpoint.Replace("https://", string.Empty, StringComparison.Ordinal)).Append('\n');
        if (!isShort)
        {
            Line(text, "Version", status.Version);
            Line(text, "Uptime", TextFormat.Uptime(TimeSpan.FromSeconds(status.Uptime)));
            Line(text, "Latency", GoDuration.Format(TextFormat.Round(latency, TimeSpan.FromMilliseconds(1))));
            Line(text, "OS", status.OS);
            Line(text, "CPUs", $"{status.NumCpuUsed} {status.Arch}");
            Line(text, "Keystore", status.KeyStoreUnreachable
                ? "unreachable"
                : status.KeyStoreLatency > 0 ? $"reachable ({status.KeyStoreLatency}ms)" : "reachable");
            text.Append("  Memory\n");
            text.Append("  · Heap   ").Append(TextFormat.Size((ulong)Math.Max(0, status.MemHeapUsed))).Append('\n');
            text.Append("  · Stack  ").Append(TextFormat.Size((ulong)Math.Max(0, status.MemStackUsed))).Append('\n');
        }

        if (routes is not null)
        {
            text.Append('\n');
            text.Append("  ").Append("Method".PadRight(7)).Append(' ').Append("API".PadRight(28)).Append(" Timeout\n");
            foreach (var route in routes)
            {
                var timeout = route.Timeout > 0 ? GoDuration.Format(TimeSpan.FromSeconds(route.Timeout)) : "Inf";
                text.Append("  ").Append(route.Method.PadRight(7)).Append(' ').Append(route.Path.PadRight(28)).Append(' ').Append(timeout).Append('\n');
            }
        }

        await stdout.WriteAsync(text.ToString());
        return CliExitCodes.Success;
    }

    private static void Line(StringBuilder text, string label, string value) =>
        text.Append("  ").Append(label.PadRight(8)).Append(' ').Append(value).Append('\n');
}

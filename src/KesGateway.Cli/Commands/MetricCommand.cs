using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;
using KesGateway.Core.Client;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Commands;

/// <summary>
/// <c>kesgw metric</c>: the server's request counters, request rate, latency and system figures
/// (<c>GET /v1/metrics</c>), redrawn every <c>--rate</c> on a terminal, or one JSON object per <c>--rate</c> otherwise,
/// until Ctrl+C (kes cmd/kes/metric.go).
/// </summary>
internal sealed class MetricCommand : ClientCommand
{
    private const string HideCursor = "\x1b[?25l";
    private const string ShowCursor = "\x1b[?25h";

    private readonly Option<TimeSpan> _rate = new("--rate")
    {
        Description = "How often to read the metrics, as a Go duration such as 5s or 1m. [default: 5s]",
        HelpName = "DURATION",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
        CustomParser = ParseRate,
    };

    private readonly Option<bool> _once = new("--once")
    {
        Description = "Read the metrics once, print them and exit.",
    };

    private readonly Option<bool> _json = JsonOption("each reading");

    /// <summary>Creates the command.</summary>
    public MetricCommand(CliContext context)
        : base("metric", """
            Watch a server's metrics: requests answered OK (2xx), with an error (4xx) or a failure (5xx), requests per
            second, mean latency, uptime, memory, CPUs and threads. On a terminal the view is redrawn every --rate
            until Ctrl+C (exit code 0). With --json, or when stdout is not a terminal, each reading is printed as one
            JSON object per line, as kes does (the Go SDK's kes.Metric: durations in nanoseconds). --once prints a
            single reading and exits.

            Examples:
              kesgw metric
              kesgw metric --rate 1s
              kesgw metric --once --json
            """, context)
    {
        Options.Add(_rate);
        Options.Add(_once);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var stdout = parseResult.InvocationConfiguration.Output;
        var rate = parseResult.GetValue(_rate);
        var once = parseResult.GetValue(_once);
        var live = !parseResult.GetValue(_json) && Context.IsTerminal;
        var time = Context.TimeProvider;

        using var timer = new PeriodicTimer(rate, time);
        var drawnLines = 0;
        KesMetricSnapshot? previous = null;
        var previousAt = 0L;
        if (live && !once)
        {
            await stdout.WriteAsync(HideCursor);
        }

        try
        {
            while (true)
            {
                KesMetricSnapshot metric;
                try
                {
                    metric = await connection.CallAsync("failed to read the metrics", c => c.MetricSnapshotAsync(cancellationToken));
                }
                catch (CliException ex) when (live && previous is not null && !cancellationToken.IsCancellationRequested)
                {
                    // A live view survives a server restart: keep the last reading and say why it is stale.
                    var stale = Frame(previous, 0) + $"Last update at {Clock()} failed: {ex.Message}\n";
                    drawnLines = await RedrawAsync(stdout, stale, drawnLines);
                    await timer.WaitForNextTickAsync(cancellationToken);
                    continue;
                }

                var now = time.GetTimestamp();
                var requestRate = previous is null || metric.RequestN < previous.RequestN
                    ? 0
                    : (metric.RequestN - previous.RequestN) / Math.Max(time.GetElapsedTime(previousAt, now).TotalSeconds, 1e-9);
                previous = metric;
                previousAt = now;

                if (live)
                {
                    drawnLines = await RedrawAsync(stdout, Frame(metric, requestRate), drawnLines);
                }
                else
                {
                    await stdout.WriteAsync(Json(MetricResult.From(metric), CliJsonContext.Relaxed.MetricResult));
                }

                await stdout.FlushAsync(cancellationToken);
                if (once)
                {
                    return CliExitCodes.Success;
                }

                await timer.WaitForNextTickAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the normal way to stop watching.
            return CliExitCodes.Success;
        }
        finally
        {
            if (live && !once)
            {
                await stdout.WriteAsync(ShowCursor);
                await stdout.FlushAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>Renders one reading as kes's live view (without colours).</summary>
    internal static string Frame(KesMetricSnapshot metric, double requestRate)
    {
        var c = CultureInfo.InvariantCulture;
        var total = metric.RequestN;
        string Percent(ulong part) => total == 0 ? "0.00%" : (100.0 * part / total).ToString("0.00", c) + "%";

        var text = new StringBuilder();
        text.Append('\n');
        text.Append("Request    OK [2xx]       Err [4xx]       Err [5xx]      Req/s        Latency\n");
        text.Append(metric.RequestOK.ToString(c).PadLeft(19))
            .Append(metric.RequestErr.ToString(c).PadLeft(16))
            .Append(metric.RequestFail.ToString(c).PadLeft(16))
            .Append(requestRate.ToString("0.00", c).PadLeft(11))
            .Append(GoDuration.Format(TextFormat.Round(metric.AverageLatency, TimeSpan.FromMilliseconds(1))).PadLeft(15))
            .Append('\n');
        text.Append(Percent(metric.RequestOK).PadLeft(19))
            .Append(Percent(metric.RequestErr).PadLeft(16))
            .Append(Percent(metric.RequestFail).PadLeft(16))
            .Append('\n');
        text.Append('\n');
        text.Append("System       UpTime            Heap           Stack       CPUs        Threads\n");
        text.Append(GoDuration.Format(TimeSpan.FromSeconds(Math.Floor(metric.UpTime.TotalSeconds))).PadLeft(19))
            .Append(TextFormat.Size(metric.HeapAlloc).PadLeft(16))
            .Append(TextFormat.Size(metric.StackAlloc).PadLeft(16))
            .Append(metric.UsableCPUs.ToString(c).PadLeft(11))
            .Append(metric.Threads.ToString(c).PadLeft(15))
            .Append('\n');
        text.Append('\n');
        return text.ToString();
    }

    // Moves the cursor back to the start of the previous frame, clears to the end of the screen and draws the new one.
    private static async Task<int> RedrawAsync(TextWriter stdout, string frame, int drawnLines)
    {
        if (drawnLines > 0)
        {
            await stdout.WriteAsync($"\x1b[{drawnLines}F\x1b[J");
        }

        await stdout.WriteAsync(frame);
        return frame.Count(ch => ch == '\n');
    }

    private string Clock() =>
        TimeZoneInfo.ConvertTime(Context.TimeProvider.GetUtcNow(), Context.TimeProvider.LocalTimeZone).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static TimeSpan ParseRate(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (!GoDuration.TryParse(text, out var rate, out var error))
        {
            result.AddError($"invalid --rate '{text}': {error}");
            return default;
        }

        if (rate <= TimeSpan.Zero)
        {
            result.AddError($"invalid --rate '{text}': must be positive");
            return default;
        }

        return rate;
    }
}

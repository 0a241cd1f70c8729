using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace KesGateway.LoadTests;

/// <summary>Writes a <see cref="LoadReport"/> as a console table, Markdown, JSON and a self-contained HTML page.</summary>
public static class Reports
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    /// <summary>Writes report.md, report.json and report.html into <paramref name="directory"/> and returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(LoadReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var md = Path.Combine(directory, "report.md");
        var json = Path.Combine(directory, "report.json");
        var html = Path.Combine(directory, "report.html");
        File.WriteAllText(md, Markdown(report));
        File.WriteAllText(json, Json(report));
        File.WriteAllText(html, Html(report));
        return [md, json, html];
    }

    public static string Json(LoadReport report) => JsonSerializer.Serialize(report, ReportJsonContext.Default.LoadReport);

    public static string Console(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = report.Runs.Select(r => new[]
        {
            r.Name, r.Protocol, F(r.RequestsPerSecond, "0"), r.Errors.ToString(Inv), F(r.Latency.P50Ms), F(r.Latency.P90Ms), F(r.Latency.P99Ms), F(r.Latency.P999Ms), F(r.Latency.MaxMs), F(r.CpuMicrosPerRequest, "0.0"), F(r.AllocatedBytesPerRequest, "0"),
        }).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(Table(["run", "protocol", "req/s", "errors", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "CPU µs/req", "B/req"], rows));
        if (report.Comparison.Count > 0)
        {
            sb.AppendLine("Side by side (ratio to the bare Kestrel mTLS ceiling):");
            sb.AppendLine(Table(
                ["scenario", "protocol", "native req/s", "forwarded req/s", "ceiling req/s", "native/ceiling", "forwarded/ceiling", "native/forwarded", "CPU µs/req n/f/c"],
                [.. report.Comparison.Select(c => new[] { c.Scenario, c.Protocol, F(c.NativeRps, "0"), F(c.ForwardedRps, "0"), F(c.CeilingRps, "0"), F(c.NativeToCeiling, "0.00"), F(c.ForwardedToCeiling, "0.00"), F(c.NativeToForwarded, "0.00"), $"{F(c.NativeCpuMicros, "0")}/{F(c.ForwardedCpuMicros, "0")}/{F(c.CeilingCpuMicros, "0")}" })]));
        }

        foreach (var run in report.Runs.Where(r => r.Phases.Count > 0))
        {
            sb.AppendLine($"Phases of {run.Name}:");
            sb.AppendLine(Table(["phase", "from s", "to s", "requests", "errors"], [.. run.Phases.Select(p => new[] { p.Name, F(p.FromSeconds, "0.0"), F(p.ToSeconds, "0.0"), p.Requests.ToString(Inv), p.Errors.ToString(Inv) })]));
        }

        foreach (var run in report.Runs.Where(r => r.SendLag is not null))
        {
            sb.AppendLine(Inv, $"Send lag of {run.Name} (the harness sending late, included in its latencies): p50 {F(run.SendLag!.P50Ms)} ms, p99 {F(run.SendLag.P99Ms)} ms, max {F(run.SendLag.MaxMs)} ms");
        }

        foreach (var note in report.Notes)
        {
            sb.AppendLine("note: " + note);
        }

        return sb.ToString();
    }

    public static string Markdown(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"# {report.Title}").AppendLine();
        sb.AppendLine(Inv, $"- started: {report.Started:u}");
        sb.AppendLine(Inv, $"- machine: {report.Machine.ProcessorCount} cores, {report.Machine.Cpu}, {report.Machine.Os}, .NET {report.Machine.Runtime}, host {report.Machine.Host}");
        sb.AppendLine(Inv, $"- command: `{report.CommandLine}`").AppendLine();
        if (report.Comparison.Count > 0)
        {
            sb.AppendLine("## Side by side").AppendLine();
            sb.AppendLine("| scenario | protocol | native req/s | forwarded req/s | ceiling req/s | native / ceiling | forwarded / ceiling | native / forwarded | p99 native ms | p99 forwarded ms | p99 ceiling ms | CPU µs/req native | forwarded | ceiling |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var c in report.Comparison)
            {
                sb.AppendLine(Inv, $"| {c.Scenario} | {c.Protocol} | {c.NativeRps:0} | {c.ForwardedRps:0} | {c.CeilingRps:0} | {c.NativeToCeiling:0.00} | {c.ForwardedToCeiling:0.00} | {c.NativeToForwarded:0.00} | {c.NativeP99Ms:0.000} | {c.ForwardedP99Ms:0.000} | {c.CeilingP99Ms:0.000} | {c.NativeCpuMicros:0} | {c.ForwardedCpuMicros:0} | {c.CeilingCpuMicros:0} |");
            }

            sb.AppendLine();
        }

        sb.AppendLine("## Runs").AppendLine();
        sb.AppendLine("| run | scenario | simulation | protocol | auth | req/s | requests | errors | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | CPU µs/req | B/req |");
        sb.AppendLine("|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in report.Runs)
        {
            sb.AppendLine(Inv, $"| {r.Name} | {r.Scenario} | {r.Simulation} | {r.Protocol} | {r.Auth} | {r.RequestsPerSecond:0} | {r.Requests} | {r.Errors} | {r.Latency.P50Ms:0.000} | {r.Latency.P90Ms:0.000} | {r.Latency.P99Ms:0.000} | {r.Latency.P999Ms:0.000} | {r.Latency.MaxMs:0.000} | {r.CpuMicrosPerRequest:0.0} | {r.AllocatedBytesPerRequest:0} |");
        }

        foreach (var run in report.Runs.Where(r => r.Phases.Count > 0))
        {
            sb.AppendLine().AppendLine(Inv, $"### Phases of {run.Name}").AppendLine();
            sb.AppendLine("| phase | from s | to s | requests | errors |").AppendLine("|---|---:|---:|---:|---:|");
            foreach (var p in run.Phases)
            {
                sb.AppendLine(Inv, $"| {p.Name} | {p.FromSeconds:0.0} | {p.ToSeconds:0.0} | {p.Requests} | {p.Errors} |");
            }
        }

        if (report.Runs.Any(r => r.SendLag is not null))
        {
            sb.AppendLine().AppendLine("### Open-loop send lag").AppendLine();
            sb.AppendLine("How late the harness itself sent requests after their intended time (its own scheduling on this machine's cores, not the server's). Open-loop latencies count from the intended time, so this lag is part of them.").AppendLine();
            sb.AppendLine("| run | p50 ms | p90 ms | p99 ms | max ms |").AppendLine("|---|---:|---:|---:|---:|");
            foreach (var r in report.Runs.Where(r => r.SendLag is not null))
            {
                sb.AppendLine(Inv, $"| {r.Name} | {r.SendLag!.P50Ms:0.000} | {r.SendLag.P90Ms:0.000} | {r.SendLag.P99Ms:0.000} | {r.SendLag.MaxMs:0.000} |");
            }
        }

        if (report.Notes.Count > 0)
        {
            sb.AppendLine().AppendLine("## Notes").AppendLine();
            foreach (var note in report.Notes)
            {
                sb.AppendLine("- " + note);
            }
        }

        return sb.ToString();
    }

    /// <summary>A page that needs nothing but itself: inline CSS and inline SVG charts, no scripts, no fonts, no network.</summary>
    public static string Html(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(report.Title)).AppendLine("</title>");
        sb.AppendLine("""
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
            table{border-collapse:collapse;margin:1em 0;font-size:14px}
            th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
            th:first-child,td:first-child{text-align:left}
            th{background:#f3f3f3}
            .chart{margin:0.5em 1em 1em 0;display:inline-block;vertical-align:top}
            .legend span{margin-right:1em;font-size:12px}
            h2{margin-top:1.5em}
            </style></head><body>
            """);
        sb.Append("<h1>").Append(E(report.Title)).AppendLine("</h1>");
        sb.Append(Inv, $"<p>Started {report.Started:u} on {report.Machine.ProcessorCount} cores ({E(report.Machine.Cpu)}), {E(report.Machine.Os)}, .NET {E(report.Machine.Runtime)}.<br><code>{E(report.CommandLine)}</code></p>").AppendLine();
        if (report.Comparison.Count > 0)
        {
            sb.AppendLine("<h2>Side by side</h2><table><tr><th>scenario</th><th>protocol</th><th>native req/s</th><th>forwarded req/s</th><th>ceiling req/s</th><th>native / ceiling</th><th>forwarded / ceiling</th><th>native / forwarded</th></tr>");
            foreach (var c in report.Comparison)
            {
                sb.Append(Inv, $"<tr><td>{E(c.Scenario)}</td><td>{E(c.Protocol)}</td><td>{c.NativeRps:0}</td><td>{c.ForwardedRps:0}</td><td>{c.CeilingRps:0}</td><td>{c.NativeToCeiling:0.00}</td><td>{c.ForwardedToCeiling:0.00}</td><td>{c.NativeToForwarded:0.00}</td></tr>").AppendLine();
            }

            sb.AppendLine("</table>");
        }

        sb.AppendLine("<h2>Runs</h2><table><tr><th>run</th><th>simulation</th><th>protocol</th><th>req/s</th><th>errors</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th>CPU µs/req</th><th>B/req</th></tr>");
        foreach (var r in report.Runs)
        {
            sb.Append(Inv, $"<tr><td>{E(r.Name)}</td><td>{E(r.Simulation)}</td><td>{E(r.Protocol)}</td><td>{r.RequestsPerSecond:0}</td><td>{r.Errors}</td><td>{r.Latency.P50Ms:0.000}</td><td>{r.Latency.P90Ms:0.000}</td><td>{r.Latency.P99Ms:0.000}</td><td>{r.Latency.P999Ms:0.000}</td><td>{r.Latency.MaxMs:0.000}</td><td>{r.CpuMicrosPerRequest:0.0}</td><td>{r.AllocatedBytesPerRequest:0}</td></tr>").AppendLine();
        }

        sb.AppendLine("</table>");
        foreach (var r in report.Runs)
        {
            sb.Append("<h2>").Append(E(r.Name)).Append("</h2><p>").Append(E($"{r.Scenario}, {r.Simulation}, {r.Protocol}, {r.Auth}, {r.Requests} requests, {r.Errors} errors")).AppendLine("</p>");
            var t = r.Series.Select(p => p.T).ToArray();
            sb.Append("<div class=\"chart\"><b>Throughput (req/s) over time</b>");
            sb.Append(LineChart(t, [("req/s", [.. r.Series.Select(p => p.Rps)]), ("errors/s", [.. r.Series.Select(p => (double)p.Errors)])], "s", "req/s"));
            sb.Append("</div><div class=\"chart\"><b>Latency percentiles (ms) over time</b>");
            sb.Append(LineChart(t, [("p50", [.. r.Series.Select(p => p.P50Ms)]), ("p99", [.. r.Series.Select(p => p.P99Ms)]), ("max", [.. r.Series.Select(p => p.MaxMs)])], "s", "ms"));
            sb.Append("</div><div class=\"chart\"><b>Latency histogram</b>");
            sb.Append(HistogramChart(r.Histogram));
            sb.Append("</div><div class=\"chart\"><b>Memory (MB) over time, this process</b>");
            sb.Append(LineChart(t, [("GC heap", [.. r.Series.Select(p => p.HeapMb)]), ("working set", [.. r.Series.Select(p => p.WorkingSetMb)])], "s", "MB"));
            sb.AppendLine("</div>");
            if (r.Phases.Count > 0)
            {
                sb.AppendLine("<table><tr><th>phase</th><th>from s</th><th>to s</th><th>requests</th><th>errors</th></tr>");
                foreach (var p in r.Phases)
                {
                    sb.Append(Inv, $"<tr><td>{E(p.Name)}</td><td>{p.FromSeconds:0.0}</td><td>{p.ToSeconds:0.0}</td><td>{p.Requests}</td><td>{p.Errors}</td></tr>").AppendLine();
                }

                sb.AppendLine("</table>");
            }
        }

        if (report.Notes.Count > 0)
        {
            sb.AppendLine("<h2>Notes</h2><ul>");
            foreach (var note in report.Notes)
            {
                sb.Append("<li>").Append(E(note)).AppendLine("</li>");
            }

            sb.AppendLine("</ul>");
        }

        return sb.AppendLine("</body></html>").ToString();
    }

    private static string LineChart(double[] x, (string Name, double[] Values)[] series, string xUnit, string yUnit)
    {
        const int W = 520, H = 260, L = 60, R = 10, T = 10, B = 40;
        var xMax = x.Length > 0 ? Math.Max(x.Max(), 1) : 1;
        var yMax = Nice(series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg class=\"svg-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\">");
        Axes(sb, W, H, L, R, T, B, xMax, yMax, xUnit, yUnit, i => (i * xMax / 4).ToString("0.#", Inv));
        for (var s = 0; s < series.Length; s++)
        {
            var points = string.Join(' ', x.Select((xv, i) => string.Create(Inv, $"{L + (xv / xMax * (W - L - R)):0.#},{H - B - (series[s].Values[i] / yMax * (H - T - B)):0.#}")));
            sb.Append(Inv, $"<polyline fill=\"none\" stroke=\"{Colors[s % Colors.Length]}\" stroke-width=\"1.5\" points=\"{points}\"><title>{E(series[s].Name)}</title></polyline>");
        }

        sb.Append("</svg><div class=\"legend\">");
        for (var s = 0; s < series.Length; s++)
        {
            sb.Append(Inv, $"<span style=\"color:{Colors[s % Colors.Length]}\">&#9632; {E(series[s].Name)}</span>");
        }

        return sb.Append("</div>").ToString();
    }

    private static string HistogramChart(List<HistogramBin> bins)
    {
        const int W = 520, H = 260, L = 60, R = 10, T = 10, B = 40;
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg class=\"svg-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\">");
        var yMax = Nice(bins.Select(b => (double)b.Count).DefaultIfEmpty(0).Max());
        var n = Math.Max(bins.Count, 1);
        Axes(sb, W, H, L, R, T, B, n, yMax, "ms (log bins)", "requests", i => bins.Count == 0 ? string.Empty : bins[Math.Min(bins.Count - 1, (int)(i * (n - 1) / 4.0))].UpToMs.ToString("0.###", Inv));
        var width = (W - L - R) / (double)n;
        for (var i = 0; i < bins.Count; i++)
        {
            var h = bins[i].Count / yMax * (H - T - B);
            sb.Append(Inv, $"<rect x=\"{L + (i * width):0.#}\" y=\"{H - B - h:0.#}\" width=\"{Math.Max(width - 1, 1):0.#}\" height=\"{h:0.#}\" fill=\"#1f77b4\"><title>≤ {bins[i].UpToMs:0.###} ms: {bins[i].Count}</title></rect>");
        }

        return sb.Append("</svg>").ToString();
    }

    private static void Axes(StringBuilder sb, int w, int h, int l, int r, int t, int b, double xMax, double yMax, string xUnit, string yUnit, Func<int, string> xLabel)
    {
        sb.Append(Inv, $"<line x1=\"{l}\" y1=\"{h - b}\" x2=\"{w - r}\" y2=\"{h - b}\" stroke=\"#444\"/><line x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{h - b}\" stroke=\"#444\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var y = h - b - (i * (h - t - b) / 4.0);
            var x = l + (i * (w - l - r) / 4.0);
            sb.Append(Inv, $"<line x1=\"{l}\" y1=\"{y:0.#}\" x2=\"{w - r}\" y2=\"{y:0.#}\" stroke=\"#eee\"/>");
            sb.Append(Inv, $"<text x=\"{l - 4}\" y=\"{y + 4:0.#}\" font-size=\"11\" text-anchor=\"end\">{Short(i * yMax / 4)}</text>");
            sb.Append(Inv, $"<text x=\"{x:0.#}\" y=\"{h - b + 14}\" font-size=\"11\" text-anchor=\"middle\">{E(xLabel(i))}</text>");
        }

        sb.Append(Inv, $"<text x=\"{(l + w - r) / 2}\" y=\"{h - 6}\" font-size=\"11\" text-anchor=\"middle\">{E(xUnit)}</text>");
        sb.Append(Inv, $"<text x=\"12\" y=\"{(t + h - b) / 2}\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 12 {(t + h - b) / 2})\">{E(yUnit)}</text>");
    }

    private static double Nice(double max)
    {
        if (max <= 0 || double.IsNaN(max))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= max)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Short(double v) => v >= 10_000 ? (v / 1000).ToString("0.#", Inv) + "k" : v.ToString(v >= 10 ? "0" : "0.###", Inv);

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string F(double v, string format = "0.000") => v.ToString(format, Inv);

    private static string Table(string[] headers, List<string[]> rows)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var sb = new StringBuilder();
        string Row(string[] cells) => string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
        sb.AppendLine(Row(headers));
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            sb.AppendLine(Row(row));
        }

        return sb.ToString();
    }
}

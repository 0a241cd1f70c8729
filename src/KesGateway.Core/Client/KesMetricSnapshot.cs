using System.Globalization;

namespace KesGateway.Core.Client;

/// <summary>
/// One reading of a KES server's <c>/v1/metrics</c>, decoded as the Go SDK's <c>Client.Metrics</c> decodes it
/// (kes-compat §11): the three request counters summed over their <c>code</c> series, the response-time histogram
/// as cumulative buckets without <c>+Inf</c>, the system gauges. Families the server does not send stay zero.
/// </summary>
public sealed record KesMetricSnapshot
{
    /// <summary>Gets the responses with a 2xx status (<c>kes_http_request_success</c>).</summary>
    public ulong RequestOK { get; init; }

    /// <summary>Gets the responses with a 4xx status (<c>kes_http_request_error</c>).</summary>
    public ulong RequestErr { get; init; }

    /// <summary>Gets the responses with a 5xx status (<c>kes_http_request_failure</c>).</summary>
    public ulong RequestFail { get; init; }

    /// <summary>Gets the requests in flight (<c>kes_http_request_active</c>).</summary>
    public ulong RequestActive { get; init; }

    /// <summary>Gets the audit events written to log-stream subscribers (<c>kes_log_audit_events</c>).</summary>
    public ulong AuditEvents { get; init; }

    /// <summary>Gets the error events written to log-stream subscribers (<c>kes_log_error_events</c>).</summary>
    public ulong ErrorEvents { get; init; }

    /// <summary>Gets the response-time histogram: upper bound → responses that took at most that long (cumulative).</summary>
    public IReadOnlyDictionary<TimeSpan, ulong> LatencyHistogram { get; init; } = new SortedDictionary<TimeSpan, ulong>();

    /// <summary>Gets the sum of all response times (<c>kes_http_response_time_sum</c>), zero when not sent.</summary>
    public TimeSpan LatencySum { get; init; }

    /// <summary>Gets the number of timed responses (<c>kes_http_response_time_count</c>), zero when not sent.</summary>
    public ulong LatencyCount { get; init; }

    /// <summary>Gets how long the server has been up (<c>kes_system_up_time</c>).</summary>
    public TimeSpan UpTime { get; init; }

    /// <summary>Gets the logical CPUs of the server's machine (<c>kes_system_num_cpu</c>).</summary>
    public int CPUs { get; init; }

    /// <summary>Gets the CPUs the server may use (<c>kes_system_num_cpu_used</c>).</summary>
    public int UsableCPUs { get; init; }

    /// <summary>Gets the server's threads or goroutines (<c>kes_system_num_threads</c>).</summary>
    public int Threads { get; init; }

    /// <summary>Gets the heap bytes in use (<c>kes_system_mem_heap_used</c>).</summary>
    public ulong HeapAlloc { get; init; }

    /// <summary>Gets the objects on the heap (<c>kes_system_mem_heap_objects</c>).</summary>
    public ulong HeapObjects { get; init; }

    /// <summary>Gets the stack bytes in use (<c>kes_system_mem_stack_used</c>).</summary>
    public ulong StackAlloc { get; init; }

    /// <summary>Gets all responses counted: <see cref="RequestOK"/> + <see cref="RequestErr"/> + <see cref="RequestFail"/>.</summary>
    public ulong RequestN => RequestOK + RequestErr + RequestFail;

    /// <summary>
    /// Gets the mean response time: <see cref="LatencySum"/> / <see cref="LatencyCount"/> when the server sends them,
    /// otherwise estimated from the buckets (each response counted at its bucket's upper bound); zero without responses.
    /// </summary>
    public TimeSpan AverageLatency
    {
        get
        {
            if (LatencyCount > 0)
            {
                return LatencySum / LatencyCount;
            }

            double total = 0;
            ulong previous = 0;
            foreach (var (bound, cumulative) in LatencyHistogram.OrderBy(b => b.Key))
            {
                if (cumulative > previous)
                {
                    total += bound.TotalSeconds * (cumulative - previous);
                    previous = cumulative;
                }
            }

            return previous == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(total / previous);
        }
    }

    /// <summary>Decodes Prometheus text exposition (format 0.0.4) as KES sends it.</summary>
    /// <exception cref="FormatException">A line is not valid exposition text; the message quotes its number.</exception>
    public static KesMetricSnapshot Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong ok = 0, err = 0, fail = 0, active = 0, audit = 0, error = 0, latencyCount = 0, heap = 0, heapObjects = 0, stack = 0;
        int cpus = 0, usable = 0, threads = 0;
        double upTime = 0, latencySum = 0;
        var histogram = new SortedDictionary<TimeSpan, ulong>();

        var number = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            number++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var (name, labels, value) = ParseSample(line, number);
            switch (name)
            {
                case "kes_http_request_success":
                    ok += Count(value);
                    break;
                case "kes_http_request_error":
                    err += Count(value);
                    break;
                case "kes_http_request_failure":
                    fail += Count(value);
                    break;
                case "kes_http_request_active":
                    active = Count(value);
                    break;
                case "kes_log_audit_events":
                    audit = Count(value);
                    break;
                case "kes_log_error_events":
                    error = Count(value);
                    break;
                case "kes_http_response_time_bucket":
                    if (labels.TryGetValue("le", out var le) && !le.Contains("Inf", StringComparison.Ordinal)
                        && double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) && bound > 0)
                    {
                        histogram[TimeSpan.FromSeconds(bound)] = Count(value);
                    }

                    break;
                case "kes_http_response_time_sum":
                    latencySum = value;
                    break;
                case "kes_http_response_time_count":
                    latencyCount = Count(value);
                    break;
                case "kes_system_up_time":
                    upTime = value;
                    break;
                case "kes_system_num_cpu":
                    cpus = (int)value;
                    break;
                case "kes_system_num_cpu_used":
                    usable = (int)value;
                    break;
                case "kes_system_num_threads":
                    threads = (int)value;
                    break;
                case "kes_system_mem_heap_used":
                    heap = Count(value);
                    break;
                case "kes_system_mem_heap_objects":
                    heapObjects = Count(value);
                    break;
                case "kes_system_mem_stack_used":
                    stack = Count(value);
                    break;
            }
        }

        return new KesMetricSnapshot
        {
            RequestOK = ok,
            RequestErr = err,
            RequestFail = fail,
            RequestActive = active,
            AuditEvents = audit,
            ErrorEvents = error,
            LatencyHistogram = histogram,
            LatencySum = double.IsFinite(latencySum) && latencySum > 0 ? TimeSpan.FromSeconds(latencySum) : TimeSpan.Zero,
            LatencyCount = latencyCount,
            UpTime = double.IsFinite(upTime) && upTime > 0 ? TimeSpan.FromSeconds(upTime) : TimeSpan.Zero,
            CPUs = cpus,
            UsableCPUs = usable,
            Threads = threads,
            HeapAlloc = heap,
            HeapObjects = heapObjects,
            StackAlloc = stack,
        };
    }

    private static ulong Count(double value) => double.IsFinite(value) && value > 0 ? (ulong)value : 0;

    // name[{label="value",...}] value [timestamp]
    private static (string Name, Dictionary<string, string> Labels, double Value) ParseSample(string line, int number)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        if (i == 0)
        {
            throw Invalid(number, "no metric name");
        }

        var name = line[..i];
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                while (i < line.Length && line[i] is ' ' or ',')
                {
                    i++;
                }

                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }

                var start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }

                if (i + 1 >= line.Length || line[i + 1] != '"')
                {
                    throw Invalid(number, "malformed label");
                }

                var label = line[start..i].Trim();
                i += 2;
                var value = new System.Text.StringBuilder();
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                if (i >= line.Length)
                {
                    throw Invalid(number, "unterminated label value");
                }

                i++;
                labels[label] = value.ToString();
            }
        }

        var rest = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is 0 or > 2)
        {
            throw Invalid(number, "expected a value");
        }

        var text = rest[0];
        double parsed = text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Invalid(number, $"invalid value '{text}'"),
        };
        return (name, labels, parsed);
    }

    private static FormatException Invalid(int line, string what) => new($"invalid metrics line {line}: {what}");
}

using System.Globalization;
using System.Text.Json.Serialization;
using KesGateway.Core.Client;

namespace KesGateway.Cli.Output;

/// <summary>
/// The JSON <c>kesgw metric</c> prints when not on a terminal: the Go SDK's <c>kes.Metric</c> as <c>kes metric</c>
/// encodes it (metric names as fields, durations in nanoseconds, histogram keyed by the bucket bound in nanoseconds).
/// </summary>
internal sealed class MetricResult
{
    /// <summary>Gets the 2xx responses.</summary>
    [JsonPropertyName("kes_http_request_success")]
    public ulong RequestOK { get; init; }

    /// <summary>Gets the 4xx responses.</summary>
    [JsonPropertyName("kes_http_request_error")]
    public ulong RequestErr { get; init; }

    /// <summary>Gets the 5xx responses.</summary>
    [JsonPropertyName("kes_http_request_failure")]
    public ulong RequestFail { get; init; }

    /// <summary>Gets the requests in flight.</summary>
    [JsonPropertyName("kes_http_request_active")]
    public ulong RequestActive { get; init; }

    /// <summary>Gets the audit events delivered to log subscribers.</summary>
    [JsonPropertyName("kes_log_audit_events")]
    public ulong AuditEvents { get; init; }

    /// <summary>Gets the error events delivered to log subscribers.</summary>
    [JsonPropertyName("kes_log_error_events")]
    public ulong ErrorEvents { get; init; }

    /// <summary>Gets the cumulative response-time buckets, keyed by the upper bound in nanoseconds.</summary>
    [JsonPropertyName("kes_http_response_time")]
    public required IReadOnlyDictionary<string, ulong> LatencyHistogram { get; init; }

    /// <summary>Gets the server's uptime in nanoseconds.</summary>
    [JsonPropertyName("kes_system_up_time")]
    public long UpTime { get; init; }

    /// <summary>Gets the logical CPUs.</summary>
    [JsonPropertyName("kes_system_num_cpu")]
    public int CPUs { get; init; }

    /// <summary>Gets the usable CPUs.</summary>
    [JsonPropertyName("kes_system_num_cpu_used")]
    public int UsableCPUs { get; init; }

    /// <summary>Gets the threads.</summary>
    [JsonPropertyName("kes_system_num_threads")]
    public int Threads { get; init; }

    /// <summary>Gets the heap bytes in use.</summary>
    [JsonPropertyName("kes_system_mem_heap_used")]
    public ulong HeapAlloc { get; init; }

    /// <summary>Gets the heap objects.</summary>
    [JsonPropertyName("kes_system_mem_heap_objects")]
    public ulong HeapObjects { get; init; }

    /// <summary>Gets the stack bytes in use.</summary>
    [JsonPropertyName("kes_system_mem_stack_used")]
    public ulong StackAlloc { get; init; }

    /// <summary>Converts a decoded snapshot.</summary>
    public static MetricResult From(KesMetricSnapshot metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return new MetricResult
        {
            RequestOK = metric.RequestOK,
            RequestErr = metric.RequestErr,
            RequestFail = metric.RequestFail,
            RequestActive = metric.RequestActive,
            AuditEvents = metric.AuditEvents,
            ErrorEvents = metric.ErrorEvents,
            LatencyHistogram = metric.LatencyHistogram
                .OrderBy(b => b.Key)
                .ToDictionary(b => (b.Key.Ticks * 100).ToString(CultureInfo.InvariantCulture), b => b.Value),
            UpTime = metric.UpTime.Ticks * 100,
            CPUs = metric.CPUs,
            UsableCPUs = metric.UsableCPUs,
            Threads = metric.Threads,
            HeapAlloc = metric.HeapAlloc,
            HeapObjects = metric.HeapObjects,
            StackAlloc = metric.StackAlloc,
        };
    }
}

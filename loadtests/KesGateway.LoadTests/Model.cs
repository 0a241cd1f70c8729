using System.Text.Json.Serialization;

namespace KesGateway.LoadTests;

/// <summary>Everything one invocation of the harness measured; what every report format renders.</summary>
public sealed record LoadReport
{
    public required string Title { get; init; }

    public required string Mode { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string CommandLine { get; init; }

    public required DateTimeOffset Started { get; init; }

    public List<RunResult> Runs { get; init; } = [];

    /// <summary>Gets the side-by-side table (each target as a ratio to the bare Kestrel ceiling), if this was one.</summary>
    public List<ComparisonRow> Comparison { get; init; } = [];

    public List<string> Notes { get; init; } = [];
}

/// <summary>Where the numbers came from.</summary>
public sealed record MachineInfo(int ProcessorCount, string Cpu, string Os, string Runtime, string Host);

/// <summary>One measured run: one scenario, one simulation, one target.</summary>
public sealed record RunResult
{
    public required string Name { get; init; }

    public required string Target { get; init; }

    public required string Scenario { get; init; }

    public required string Simulation { get; init; }

    public required string Protocol { get; init; }

    public required string Auth { get; init; }

    public int Connections { get; init; }

    public int InFlight { get; init; }

    /// <summary>Gets the target arrival rate of an open-loop run (the end rate of a ramp), or null for a closed loop.</summary>
    public double? Rate { get; init; }

    public double DurationSeconds { get; init; }

    /// <summary>Gets the scenario operations completed (a MinIO LIST is one operation of many calls).</summary>
    public long Requests { get; init; }

    /// <summary>Gets the HTTP calls made.</summary>
    public long Calls { get; init; }

    public long Errors { get; init; }

    public Dictionary<string, long> Statuses { get; init; } = [];

    public double RequestsPerSecond { get; init; }

    /// <summary>Gets the CPU time this process spent per operation (client and, in-process, servers): steadier than req/s on a shared machine.</summary>
    public double CpuMicrosPerRequest { get; init; }

    /// <summary>Gets the bytes this process allocated per operation (client and, in-process, servers).</summary>
    public double AllocatedBytesPerRequest { get; init; }

    public required LatencySummary Latency { get; init; }

    /// <summary>Gets, for an open loop, how late the harness itself sent each request after its intended time (its own
    /// scheduling, not the server's): the part of the latencies the load generator is responsible for.</summary>
    public LatencySummary? SendLag { get; init; }

    public List<IntervalPoint> Series { get; init; } = [];

    public List<HistogramBin> Histogram { get; init; } = [];

    public List<PhaseResult> Phases { get; init; } = [];
}

/// <summary>Latency percentiles in milliseconds; open-loop runs measure from the intended send time (coordinated omission corrected).</summary>
public sealed record LatencySummary(double MeanMs, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs);

/// <summary>One sampling interval of a run.</summary>
public sealed record IntervalPoint(double T, double Rps, long Errors, double P50Ms, double P99Ms, double MaxMs, double HeapMb, double WorkingSetMb);

/// <summary>One bar of the latency histogram: how many requests took at most <see cref="UpToMs"/> (and more than the bar before).</summary>
public sealed record HistogramBin(double UpToMs, long Count);

/// <summary>A named stretch of a run (the outage scenario's before, during and after).</summary>
public sealed record PhaseResult(string Name, double FromSeconds, double ToSeconds, long Requests, long Errors);

/// <summary>One line of the side-by-side table.</summary>
public sealed record ComparisonRow(
    string Scenario,
    string Protocol,
    double NativeRps,
    double ForwardedRps,
    double CeilingRps,
    double NativeToCeiling,
    double ForwardedToCeiling,
    double NativeToForwarded,
    double NativeP99Ms,
    double ForwardedP99Ms,
    double CeilingP99Ms,
    double NativeCpuMicros,
    double ForwardedCpuMicros,
    double CeilingCpuMicros,
    double NativeAllocatedBytes,
    double CeilingAllocatedBytes);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;

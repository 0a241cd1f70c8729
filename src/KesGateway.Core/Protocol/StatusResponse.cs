using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>The answer of <c>GET /v1/status</c>, fields in KES's order.</summary>
public sealed record StatusResponse
{
    /// <summary>Gets the server version.</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Gets the operating system, with Go's names (<c>linux</c>).</summary>
    [JsonPropertyName("os")]
    public required string OS { get; init; }

    /// <summary>Gets the architecture, with Go's names (<c>amd64</c>, <c>arm64</c>).</summary>
    [JsonPropertyName("arch")]
    public required string Arch { get; init; }

    /// <summary>Gets seconds since start, rounded.</summary>
    [JsonPropertyName("uptime")]
    public long Uptime { get; init; }

    /// <summary>Gets logical CPUs.</summary>
    [JsonPropertyName("num_cpu")]
    public int NumCpu { get; init; }

    /// <summary>Gets cPUs the process may use.</summary>
    [JsonPropertyName("num_cpu_used")]
    public int NumCpuUsed { get; init; }

    /// <summary>Gets managed heap bytes in use.</summary>
    [JsonPropertyName("mem_heap_used")]
    public long MemHeapUsed { get; init; }

    /// <summary>Gets stack bytes in use (an estimate).</summary>
    [JsonPropertyName("mem_stack_used")]
    public long MemStackUsed { get; init; }

    /// <summary>Gets keystore status latency in whole milliseconds (at least 1 when reachable); omitted when 0.</summary>
    [JsonPropertyName("keystore_latency")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long KeyStoreLatency { get; init; }

    /// <summary>Gets true when the keystore cannot be reached; omitted when false. KES never sends keystore_unavailable.</summary>
    [JsonPropertyName("keystore_unreachable")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool KeyStoreUnreachable { get; init; }
}

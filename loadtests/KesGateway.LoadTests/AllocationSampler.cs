using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace KesGateway.LoadTests;

/// <summary>
/// A poor man's allocation profile: the runtime's GC AllocationTick event fires about every 100 KB allocated and names the
/// type of the object that crossed the line, so counting ticks per type estimates who allocates (client, Kestrel and
/// gateway together, since they share this process). Enabled with <c>--alloc-profile</c>.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const int AllocationTick = 10;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start() => _recording = true;

    public IReadOnlyList<(string Type, long Bytes)> Stop(int top)
    {
        _recording = false;
        var result = _bytes.OrderByDescending(p => p.Value).Take(top).Select(p => (p.Key, p.Value)).ToList();
        _bytes.Clear();
        return result;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (!_recording || eventData.EventId != AllocationTick || eventData.Payload is null || eventData.PayloadNames is null)
        {
            return;
        }

        var type = eventData.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string : null;
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 && eventData.Payload[a] is ulong bytes ? (long)bytes : 100_000;
        _bytes.AddOrUpdate(type ?? "?", amount, (_, v) => v + amount);
    }
}

using KesGateway.Core.Keystore;

namespace KesGateway.Tests.Keystore;

/// <summary>A keystore for cache tests: counts reads, can block reads on a gate and can be switched "down".</summary>
internal sealed class ScriptedKeyStore : IKeyStore
{
    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private int _gets;
    private int _statusCalls;

    public string Description => "Scripted";

    /// <summary>When set, reads wait for it before answering.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>When set, reads and status checks throw it.</summary>
    public Exception? Failure { get; set; }

    public int Gets => Volatile.Read(ref _gets);

    public int StatusCalls => Volatile.Read(ref _statusCalls);

    public void Set(string name, byte[] value)
    {
        lock (_values)
        {
            _values[name] = value;
        }
    }

    public ValueTask<bool> CreateAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public async ValueTask<byte[]?> GetAsync(string name, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _gets);

        // The value is read before the gate, so a blocked read returns what was stored when it started.
        byte[]? value;
        lock (_values)
        {
            value = _values.TryGetValue(name, out var stored) ? stored.AsSpan().ToArray() : null;
        }

        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        return value;
    }

    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        lock (_values)
        {
            return ValueTask.FromResult(_values.Remove(name));
        }
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    /// <summary>When set, status checks wait for it (or for cancellation) before answering.</summary>
    public TaskCompletionSource? StatusGate { get; set; }

    public ValueTask StatusAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _statusCalls);
        if (StatusGate is { } gate)
        {
            return new ValueTask(gate.Task.WaitAsync(cancellationToken));
        }

        return Failure is { } failure ? ValueTask.FromException(failure) : ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Memory;

namespace KesGateway.Tests.Common;

/// <summary>An in-memory keystore whose failures a test switches on: unreachable, or answering but broken.</summary>
public sealed class FaultyKeyStore : IKeyStore
{
    private readonly MemoryKeyStore _inner = new();

    /// <summary>Gets or sets the failure every call raises; null = healthy.</summary>
    public KeyStoreException? Fault { get; set; }

    /// <summary>Gets or sets raw values to return for names, bypassing the store (e.g. corrupt key versions).</summary>
    public Dictionary<string, byte[]> Overrides { get; } = new(StringComparer.Ordinal);

    public string Description => "Faulty (test)";

    public ValueTask<bool> CreateAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        ThrowIfFaulty();
        return _inner.CreateAsync(name, value, cancellationToken);
    }

    public ValueTask<byte[]?> GetAsync(string name, CancellationToken cancellationToken)
    {
        ThrowIfFaulty();
        return Overrides.TryGetValue(name, out var value) ? ValueTask.FromResult<byte[]?>(value.ToArray()) : _inner.GetAsync(name, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        ThrowIfFaulty();
        return _inner.DeleteAsync(name, cancellationToken);
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ThrowIfFaulty();
        return _inner.ListAsync(prefix, cancellationToken);
    }

    public ValueTask StatusAsync(CancellationToken cancellationToken)
    {
        ThrowIfFaulty();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private void ThrowIfFaulty()
    {
        if (Fault is { } fault)
        {
            throw fault;
        }
    }
}

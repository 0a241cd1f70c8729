using System.Collections.Concurrent;

namespace KesGateway.Core.Keystore.Memory;

/// <summary>A volatile keystore for <c>--dev</c> and tests; everything is lost when the process ends.</summary>
public sealed class MemoryKeyStore : IKeyStore
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public string Description => "In Memory";

    /// <inheritdoc/>
    public ValueTask<bool> CreateAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.TryAdd(name, value.ToArray()));

    /// <inheritdoc/>
    public ValueTask<byte[]?> GetAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.TryGetValue(name, out var value) ? value.AsSpan().ToArray() : null);

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.TryRemove(name, out _));

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> names = [.. _keys.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        return ValueTask.FromResult(names);
    }

    /// <inheritdoc/>
    public ValueTask StatusAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        foreach (var value in _keys.Values)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(value);
        }

        _keys.Clear();
        return ValueTask.CompletedTask;
    }
}

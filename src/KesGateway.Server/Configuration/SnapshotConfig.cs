using System.Text;

namespace KesGateway.Server.Configuration;

/// <summary>The warm-start snapshot of the key cache (<c>cache.snapshot</c>, a KesGateway extension KES ignores).</summary>
public sealed record SnapshotConfig
{
    /// <summary>Gets the file the sealed snapshot is written to and read from.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the 32-byte AES-256 key that seals the snapshot.</summary>
    /// <remarks>Never printed: <see cref="ToString"/> leaves it out.</remarks>
    public required ReadOnlyMemory<byte> Key { get; init; }

    /// <summary>Gets where the key came from (<c>key_file</c> path or <c>key_env</c> variable name), for messages.</summary>
    public required string KeySource { get; init; }

    /// <summary>Gets how often the snapshot is rewritten while the cache changes.</summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    // The key must never reach a log line or exception message through the record's generated ToString.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Path = ").Append(Path).Append(", KeySource = ").Append(KeySource).Append(", Interval = ").Append(Interval);
        return true;
    }
}

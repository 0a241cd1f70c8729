using Microsoft.Extensions.Logging;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>An <see cref="ILogger"/> that keeps every entry, for assertions on events and on what they do not contain.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public int Count(int eventId) => Entries.Count(e => e.EventId == eventId);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
        {
            _entries.Add(new Entry(logLevel, eventId.Id, formatter(state, exception)));
        }
    }

    internal sealed record Entry(LogLevel Level, int EventId, string Message);
}

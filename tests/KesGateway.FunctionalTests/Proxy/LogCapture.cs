using Microsoft.Extensions.Logging;

namespace KesGateway.FunctionalTests.Proxy;

/// <summary>A logger provider that keeps every entry, for assertions on events and on what they do not contain.</summary>
internal sealed class LogCapture : ILoggerProvider
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

    public IReadOnlyList<Entry> OfEvent(int eventId) => [.. Entries.Where(e => e.EventId == eventId)];

    /// <summary>Every entry, one a line, for failure messages.</summary>
    public override string ToString() => string.Join("\n", Entries.Select(e => $"{e.Level} {e.Category}[{e.EventId}] {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    internal sealed record Entry(string Category, LogLevel Level, int EventId, string Message);

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (capture._lock)
            {
                capture._entries.Add(new Entry(category, logLevel, eventId.Id, formatter(state, exception)));
            }
        }
    }
}

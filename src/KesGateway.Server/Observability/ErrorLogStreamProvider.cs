using System.Globalization;
using KesGateway.Core.Protocol;
using KesGateway.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Observability;

/// <summary>Mirrors log records at or above the configured <c>log.error</c> level into the <c>/v1/log/error</c> stream.</summary>
public sealed class ErrorLogStreamProvider : ILoggerProvider
{
    private readonly ErrorLog _errors;
    private readonly Func<GatewayStateHolder?> _state;
    private readonly TimeProvider _time;

    /// <summary>Creates the provider.</summary>
    /// <remarks>The state comes through a function: loggers exist before the first state does (the keystore logs while it connects).</remarks>
    public ErrorLogStreamProvider(ErrorLog errors, Func<GatewayStateHolder?> state, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(time);
        _errors = errors;
        _state = state;
        _time = time;
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new StreamLogger(this);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Maps a .NET level onto slog's scale (DEBUG −4, INFO 0, WARN 4, ERROR 8).</summary>
    internal static int ToSlogLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => -4,
        LogLevel.Information => 0,
        LogLevel.Warning => 4,
        _ => 8,
    };

    private sealed class StreamLogger(ErrorLogStreamProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel != LogLevel.None
            && owner._errors.Stream.HasSubscribers
            && ToSlogLevel(logLevel) >= (owner._state()?.Current.Config.Log.Error ?? 0);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Trace or LogLevel.Debug => "DEBUG",
                LogLevel.Information => "INFO",
                LogLevel.Warning => "WARN",
                _ => "ERROR",
            };
            var time = owner._time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
            owner._errors.Stream.Publish(new ErrorEvent { Message = $"time={time} level={level} msg=\"{formatter(state, exception)}\"" }, Tenancy.TenantScope.Current);
        }
    }
}

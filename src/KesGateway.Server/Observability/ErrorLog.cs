using KesGateway.Core.Protocol;

namespace KesGateway.Server.Observability;

/// <summary>The error log's live stream (<c>/v1/log/error</c>); the console copy goes through the standard logger to stderr.</summary>
public sealed class ErrorLog
{
    /// <summary>Gets the live stream subscribers.</summary>
    public LogBroadcaster<ErrorEvent> Stream { get; } = new();
}

using KesGateway.Core.Protocol;
using KesGateway.Server.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Hosting;

/// <summary>Turns any unexpected failure into a KES-shaped 500, never an HTML page or a stack trace.</summary>
public sealed partial class KesErrorHandlingMiddleware
{
    private static readonly KesError InternalError = new(500, "internal server error");

    private readonly RequestDelegate _next;
    private readonly ILogger<KesErrorHandlingMiddleware> _logger;

    /// <summary>Creates the middleware.</summary>
    public KesErrorHandlingMiddleware(RequestDelegate next, ILogger<KesErrorHandlingMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(logger);
        _next = next;
        _logger = logger;
    }

    /// <summary>Runs the request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left or the route's deadline aborted the request: nothing to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            LogUnhandled(_logger, context.Request.Method, context.Request.Path.Value ?? "/", ex.GetType().Name, ex.Message);
            context.Response.Clear();
            await KesResults.WriteErrorAsync(context, InternalError).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = EventIds.UnhandledError, EventName = nameof(EventIds.UnhandledError), Level = LogLevel.Error,
        Message = "request failed: {Method} {Path}: {ErrorType}: {Error}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, string errorType, string error);
}

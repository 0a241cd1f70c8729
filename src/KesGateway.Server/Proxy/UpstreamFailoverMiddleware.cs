using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace KesGateway.Server.Proxy;

/// <summary>
/// Tries another endpoint of the cluster when the chosen one failed, until one answers or every available endpoint was
/// tried: a GET or HEAD without a body after any transport error, any other call only when no connection could be
/// made at all. Nothing is ever sent twice: creating, importing or deleting a key must not be replayed (conventions,
/// pitfall 15), so a call that may have reached an upstream (the connection broke after it was made) is answered 502.
/// </summary>
/// <remarks>
/// A refused connection is retried for every method because nothing of the request left the gateway; without it, a
/// tenant that forwards its hot path would answer 502 to half of MinIO's calls while a dead endpoint awaits its health
/// checks, and MinIO takes a 5xx as a dead KMS for 30 seconds.
/// </remarks>
/// <remarks>Runs in YARP's proxy pipeline before load balancing and passive health checks, so each try picks an
/// endpoint afresh and each failure counts against the endpoint that failed.</remarks>
internal sealed class UpstreamFailoverMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<UpstreamFailoverMiddleware> _logger;

    public UpstreamFailoverMiddleware(RequestDelegate next, ILogger<UpstreamFailoverMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(logger);
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var upstream = context.Features.Get<UpstreamRequestFeature>();
        var idempotent = IsIdempotentWithoutBody(context);
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        List<DestinationState>? tried = null;
        while (true)
        {
            if (upstream is not null)
            {
                upstream.Attempts++;
            }

            await _next(context).ConfigureAwait(false);

            var error = context.GetForwarderErrorFeature();
            if (error?.Error != ForwarderError.Request || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested
                || proxy.ProxiedDestination is not { } failed
                || !(idempotent || NeverConnected(error.Exception)))
            {
                return;
            }

            tried ??= new List<DestinationState>(candidates.Count);
            tried.Add(failed);
            var remaining = candidates.Where(d => !tried.Contains(d)).ToArray();
            if (remaining.Length == 0)
            {
                return;
            }

            if (_logger.IsEnabled(LogLevel.Information))
            {
                var reason = UpstreamErrors.ReasonOf(error.Exception, null);
                ProxyLog.Failover(_logger, upstream?.Upstream ?? proxy.Cluster.Config.ClusterId, failed.Model.Config.Address,
                    reason, context.Request.Method, context.Request.Path.Value ?? "/");
            }

            // Back to a fresh response: YARP refuses to forward once a status is set, and the error is history.
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
            proxy.AvailableDestinations = remaining;
            proxy.ProxiedDestination = null;
        }
    }

    private static bool IsIdempotentWithoutBody(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        && context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true };

    // ConnectionError is raised only while establishing a connection: no byte of the request was written, and the
    // request body was not read, so sending it elsewhere is the first delivery, not a replay.
    private static bool NeverConnected(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError })
            {
                return true;
            }
        }

        return false;
    }
}

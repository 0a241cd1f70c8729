using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace KesGateway.Server.Proxy;

/// <summary>
/// Sends a GET or HEAD without a body to another endpoint of the cluster when the chosen one could not be reached,
/// until one answers or every available endpoint was tried. Nothing else is ever sent twice: creating, importing or
/// deleting a key must not be replayed (conventions, pitfall 15), even when the failure looks like it happened before
/// the upstream saw the request.
/// </summary>
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
        if (!CanRetry(context))
        {
            upstream?.Attempts = 1;
            await _next(context).ConfigureAwait(false);
            return;
        }

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
                || proxy.ProxiedDestination is not { } failed)
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

    private static bool CanRetry(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        && context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true };
}

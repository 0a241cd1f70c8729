using KesGateway.Core.Protocol;
using KesGateway.Server.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;

namespace KesGateway.Server.Proxy;

/// <summary>
/// Moves the request to the upstream cluster the caller chose for it (by tenant, typically); YARP's endpoint routing
/// only ever matches the first upstream's route. An unknown or missing choice is answered with a KES-shaped 502.
/// </summary>
internal sealed class UpstreamSelectionMiddleware
{
    private static readonly KesError NoUpstream = new(StatusCodes.Status502BadGateway, "no upstream KES cluster is configured for this request");

    private readonly RequestDelegate _next;
    private readonly Func<HttpContext, string?> _clusterOf;
    private readonly IProxyStateLookup _lookup;
    private readonly ILogger<UpstreamSelectionMiddleware> _logger;

    public UpstreamSelectionMiddleware(RequestDelegate next, Func<HttpContext, string?> clusterOf, IProxyStateLookup lookup, ILogger<UpstreamSelectionMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(clusterOf);
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(logger);
        _next = next;
        _clusterOf = clusterOf;
        _lookup = lookup;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var upstream = _clusterOf(context);
        if (string.IsNullOrEmpty(upstream))
        {
            ProxyLog.NotConfigured(_logger, context.Request.Method, context.Request.Path.Value ?? "/", "(none)");
            return KesResults.WriteErrorAsync(context, NoUpstream);
        }

        if (!_lookup.TryGetRoute(UpstreamRoutes.RouteIdOf(upstream), out var route) || route.Cluster is not { } cluster)
        {
            ProxyLog.NotConfigured(_logger, context.Request.Method, context.Request.Path.Value ?? "/", upstream);
            return KesResults.WriteErrorAsync(context, new KesError(StatusCodes.Status502BadGateway, $"upstream '{upstream}' is not configured"));
        }

        // Route and cluster together: YARP files health results and telemetry under the route's cluster.
        context.ReassignProxyRequest(route, cluster);
        context.Features.Set(new UpstreamRequestFeature(cluster.ClusterId));
        return _next(context);
    }
}

using KesGateway.Server.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KesGateway.Server.Observability;

/// <summary>Counts and times key, policy and identity requests, as KES does: only those that passed authorization.</summary>
/// <remarks>Sits right before the endpoint, so rejections (403, 404 of unknown paths, 405) are not counted, as in KES.</remarks>
public sealed class KesMetricsMiddleware
{
    private readonly RequestDelegate _next;
    private readonly KesMetrics _metrics;
    private readonly TimeProvider _time;

    /// <summary>Creates the middleware.</summary>
    public KesMetricsMiddleware(RequestDelegate next, KesMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(time);
        _next = next;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>Runs the request, counting it if KES would.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Features.GetRequiredFeature<KesRequestFeature>().Route.Path;
        if (!IsCounted(path))
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var started = _time.GetTimestamp();
        _metrics.RequestStarted();
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            _metrics.RequestFinished(context.Response.StatusCode, _time.GetElapsedTime(started));
        }
    }

    private static bool IsCounted(string routePath) =>
        routePath.StartsWith("/v1/key/", StringComparison.Ordinal)
        || routePath.StartsWith("/v1/policy/", StringComparison.Ordinal)
        || routePath.StartsWith("/v1/identity/", StringComparison.Ordinal);
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KesGateway.Server.Endpoints;

/// <summary>The end of the native pipeline: runs the route's handler under the route's write deadline, or hands a
/// forwarded route to the next step (the proxy).</summary>
/// <remarks>
/// KES sets a write deadline per route: a handler that has not answered in time loses its connection, with no HTTP
/// error (kes-compat §1.4). We abort the request the same way, on the injected clock.
/// </remarks>
public sealed class KesEndpointMiddleware
{
    private readonly RequestDelegate _next;
    private readonly TimeProvider _time;

    /// <summary>Creates the middleware; <paramref name="next"/> forwards the routes the tenant does not serve itself.</summary>
    public KesEndpointMiddleware(RequestDelegate next, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(time);
        _next = next;
        _time = time;
    }

    /// <summary>Runs the handler.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        var route = request.Route;
        if (!request.State.IsNative(route))
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        if (route.Timeout <= TimeSpan.Zero)
        {
            await route.Handler(context).ConfigureAwait(false);
            return;
        }

        using var deadline = new CancellationTokenSource(route.Timeout, _time);
        using var registration = deadline.Token.Register(static state => ((HttpContext)state!).Abort(), context);
        await route.Handler(context).ConfigureAwait(false);
    }
}

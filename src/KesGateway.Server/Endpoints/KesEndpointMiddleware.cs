using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KesGateway.Server.Endpoints;

/// <summary>The end of the pipeline: runs the route's handler under the route's write deadline.</summary>
/// <remarks>
/// KES sets a write deadline per route: a handler that has not answered in time loses its connection, with no HTTP
/// error (kes-compat §1.4). We abort the request the same way, on the injected clock.
/// </remarks>
public sealed class KesEndpointMiddleware
{
    private readonly TimeProvider _time;

    /// <summary>Creates the middleware; it is terminal, so the next delegate is never called.</summary>
    public KesEndpointMiddleware(RequestDelegate next, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Runs the handler.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var route = context.Features.GetRequiredFeature<KesRequestFeature>().Route;
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

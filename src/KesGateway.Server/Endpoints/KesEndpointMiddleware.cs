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
    private const int MaxPooled = 1024;

    private readonly RequestDelegate _next;
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentQueue<CancellationTokenSource> _deadlines = new();
    private int _pooled;

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

        var deadline = RentDeadline(route.Timeout);
        var registration = deadline.Token.UnsafeRegister(static state => ((HttpContext)state!).Abort(), context);
        try
        {
            await route.Handler(context).ConfigureAwait(false);
        }
        finally
        {
            registration.Dispose();
            ReturnDeadline(deadline);
        }
    }

    // One timer per request would allocate and queue a new timer each time; a pooled source re-arms its own timer.
    private CancellationTokenSource RentDeadline(TimeSpan timeout)
    {
        if (_deadlines.TryDequeue(out var deadline))
        {
            Interlocked.Decrement(ref _pooled);
            deadline.CancelAfter(timeout);
            return deadline;
        }

        // Made with the clock, so its timer (and every later CancelAfter) runs on the injected TimeProvider.
        return new CancellationTokenSource(timeout, _time);
    }

    private void ReturnDeadline(CancellationTokenSource deadline)
    {
        // TryReset stops the timer; a source that fired (or is firing) is not reused.
        if (deadline.TryReset())
        {
            if (Interlocked.Increment(ref _pooled) <= MaxPooled)
            {
                _deadlines.Enqueue(deadline);
                return;
            }

            Interlocked.Decrement(ref _pooled);
        }

        deadline.Dispose();
    }
}

using KesGateway.Server.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Proxy;

/// <summary>
/// The outermost step of the proxy pipeline: when forwarding failed before anything was sent to the client, answers
/// in KES's JSON error shape instead of YARP's empty 502/503/504 bodies. Answers from the upstream (its 4xx and 5xx
/// included) are never touched: YARP reports no error for them.
/// </summary>
/// <remarks>It covers YARP's own "no available destinations" 503 too, which the forwarder sets and returns without a
/// body; that one becomes a 502, as every other "cannot reach the upstream" answer.</remarks>
internal sealed class UpstreamErrorMiddleware
{
    private readonly RequestDelegate _next;
    private readonly KesProxyConfigProvider _provider;
    private readonly ILogger<UpstreamErrorMiddleware> _logger;

    public UpstreamErrorMiddleware(RequestDelegate next, KesProxyConfigProvider provider, ILogger<UpstreamErrorMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(logger);
        _next = next;
        _provider = provider;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        await _next(context).ConfigureAwait(false);

        if (context.GetForwarderErrorFeature() is not { } failure || context.RequestAborted.IsCancellationRequested)
        {
            // No failure, or the client went away: nobody to answer, and nothing wrong with the upstream.
            return;
        }

        var proxy = context.GetReverseProxyFeature();
        var cluster = proxy.Cluster;
        var upstream = context.Features.Get<UpstreamRequestFeature>();
        var name = upstream?.Upstream ?? cluster.Config.ClusterId;
        var attempts = Math.Max(upstream?.Attempts ?? 1, 1);
        var tls = _provider.FindTls(cluster.Config.Metadata);
        var endpoint = proxy.ProxiedDestination?.Model.Config.Address ?? "(none)";
        ProxyLog.ForwardFailed(_logger, name, context.Request.Method, context.Request.Path.Value ?? "/", attempts, failure.Error.ToString(), endpoint, Describe(failure.Exception));

        if (context.Response.HasStarted)
        {
            // Part of the upstream's answer is out; YARP has already reset the stream or connection.
            return;
        }

        var error = UpstreamErrors.ErrorOf(failure.Error, failure.Exception, context, name, attempts, cluster.Config.HttpRequest?.ActivityTimeout, tls);
        if (error is { } answer)
        {
            context.Response.Clear();
            await KesResults.WriteErrorAsync(context, answer).ConfigureAwait(false);
        }
    }

    /// <summary>The exception chain, outermost first, for the log: the useful part is often an inner exception.</summary>
    private static string Describe(Exception? exception)
    {
        if (exception is null)
        {
            return "no exception";
        }

        var parts = new List<string>(3);
        for (var e = exception; e is not null && parts.Count < 4; e = e.InnerException)
        {
            parts.Add($"{e.GetType().Name}: {e.Message}");
        }

        return string.Join(" -> ", parts);
    }
}

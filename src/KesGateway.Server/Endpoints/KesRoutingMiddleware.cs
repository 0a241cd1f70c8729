using KesGateway.Core.Protocol;
using KesGateway.Server.Hosting;
using KesGateway.Server.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KesGateway.Server.Endpoints;

/// <summary>Matches a request to a KES route the way Go's ServeMux does for KES, before any authentication.</summary>
/// <remarks>
/// Order matters and is KES's (kes-compat §1.2): unclean paths and subtree roots without their slash are redirected,
/// unknown paths get ServeMux's plain-text 404, and a wrong method gets 405 — all before the caller is identified, so
/// these answers reveal nothing about policies.
/// </remarks>
public sealed class KesRoutingMiddleware
{
    private static readonly byte[] NotFoundBody = "404 page not found\n"u8.ToArray();

    private readonly RequestDelegate _next;
    private readonly GatewayStateHolder _state;

    /// <summary>Creates the middleware.</summary>
    public KesRoutingMiddleware(RequestDelegate next, GatewayStateHolder state)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(state);
        _next = next;
        _state = state;
    }

    /// <summary>Routes the request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.Features.Get<TenantFeature>()?.Tenant ?? _state.Current.Default;
        var path = DecodedPath(context);

        var clean = CleanPath(path);
        if (!string.Equals(clean, path, StringComparison.Ordinal))
        {
            return RedirectAsync(context, clean);
        }

        if (state.Routes.Match(path) is not { } match)
        {
            return state.Routes.IsSubtreeRootWithoutSlash(path)
                ? RedirectAsync(context, path + "/")
                : NotFoundAsync(context);
        }

        var (route, resource) = match;
        if (!route.Accepts(context.Request.Method))
        {
            context.Response.Headers.Accept = route.Method;
            return KesResults.WriteErrorAsync(context, KesErrors.MethodNotAllowed(context.Request.Method, route.Method));
        }

        // Handlers stop reading at the route's limit and answer 400; Kestrel then drains what the client still sends,
        // up to this allowance, so the client reads our answer instead of a connection reset.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize && route.MaxBody > 0)
        {
            bodySize.MaxRequestBodySize = route.MaxBody * 4;
        }

        context.Features.Set(new KesRequestFeature(state, route, path, resource));
        return _next(context);
    }

    /// <summary>Gets the request path percent-decoded exactly once, as Go's <c>URL.Path</c> is.</summary>
    /// <remarks>
    /// Kestrel's <c>Request.Path</c> keeps <c>%2F</c> encoded and resolves dot segments itself; KES sees <c>a%2Fb</c> as
    /// <c>a/b</c> and redirects unclean paths, so we decode the raw target ourselves and clean it below.
    /// </remarks>
    public static string DecodedPath(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return context.Request.Path.Value is { Length: > 0 } p ? p : "/";
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return Uri.UnescapeDataString(query < 0 ? raw : raw[..query]);
    }

    /// <summary>Cleans a path as Go's <c>path.Clean</c> does for ServeMux: no <c>//</c>, <c>.</c> or <c>..</c> segments; a trailing slash is kept.</summary>
    public static string CleanPath(string path)
    {
        if (!path.Contains("//", StringComparison.Ordinal) && !path.Contains("/.", StringComparison.Ordinal))
        {
            return path;
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (segments.Count > 0)
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }

                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        var cleaned = "/" + string.Join('/', segments);
        return path.EndsWith('/') && cleaned != "/" ? cleaned + "/" : cleaned;
    }

    private static Task RedirectAsync(HttpContext context, string location)
    {
        var query = context.Request.QueryString;
        context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
        context.Response.Headers.Location = location + query.Value;
        return Task.CompletedTask;
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.ContentLength = NotFoundBody.Length;
        return context.Response.Body.WriteAsync(NotFoundBody, context.RequestAborted).AsTask();
    }
}

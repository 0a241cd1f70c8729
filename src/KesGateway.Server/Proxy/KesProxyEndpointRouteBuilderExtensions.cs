using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KesGateway.Server.Proxy;

/// <summary>Maps forwarding to upstream KES clusters.</summary>
public static class KesProxyEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps YARP's routes (every path) with the gateway's proxy pipeline: KES-shaped errors → the cluster
    /// <paramref name="clusterOf"/> names for the request → GET/HEAD failover → load balancing (power of two choices)
    /// → passive health checks → forwarding. Requires <see cref="KesProxyServiceCollectionExtensions.AddKesProxy"/>.
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="clusterOf">Names the upstream (<c>upstreams.&lt;name&gt;</c>) a request goes to, e.g. from the tenant feature; <see langword="null"/> = none (502).</param>
    /// <returns>YARP's convention builder for the proxy endpoints.</returns>
    /// <remarks>
    /// The endpoint matches every request, but only runs when the pipeline before it hands the request on: the
    /// gateway's own middleware decides what is served natively and what reaches this endpoint. With no upstreams there
    /// is no endpoint at all.
    /// </remarks>
    public static ReverseProxyConventionBuilder MapKesProxy(this IEndpointRouteBuilder endpoints, Func<HttpContext, string?> clusterOf)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(clusterOf);
        return endpoints.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<UpstreamErrorMiddleware>();
            proxy.UseMiddleware<UpstreamSelectionMiddleware>(clusterOf);
            proxy.UseMiddleware<UpstreamFailoverMiddleware>();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
    }
}

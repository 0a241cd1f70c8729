using KesGateway.Core.Protocol;
using KesGateway.Server.Endpoints;
using KesGateway.Server.Hosting;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace KesGateway.Server.Tenancy;

/// <summary>Attaches the request's tenant: the one the TLS handshake chose from the SNI, never one a header names.</summary>
/// <remarks>
/// The client certificate was checked against the tenant's own trust settings in the handshake, so the tenant cannot
/// change per request. A Host header that names another tenant is answered 421 Misdirected Request: forging Host on a
/// connection made for tenant A must not reach tenant B's keys, and 421 tells an honest client to connect again.
/// </remarks>
public sealed class TenancyMiddleware
{
    /// <summary>The connection item the handshake stores the tenant's name under.</summary>
    public const string ItemKey = "kesgw.tenant";

    private readonly RequestDelegate _next;
    private readonly GatewayStateHolder _state;

    /// <summary>Creates the middleware.</summary>
    public TenancyMiddleware(RequestDelegate next, GatewayStateHolder state)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(state);
        _next = next;
        _state = state;
    }

    /// <summary>Finds the tenant or answers 421.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var gateway = _state.Current;
        var host = HostName(context.Request.Host.Value);
        var named = gateway.FindByHost(host);
        TenantState? tenant;
        if (context.Features.Get<IConnectionItemsFeature>()?.Items is { } items && items.TryGetValue(ItemKey, out var value) && value is string name)
        {
            // A reload may have removed the tenant since the connection was made.
            tenant = gateway.Find(name);
            if (tenant is null)
            {
                return KesResults.WriteErrorAsync(context, new KesError(StatusCodes.Status421MisdirectedRequest, $"tenant '{name}' is no longer served; reconnect"));
            }
        }
        else
        {
            // Without our handshake (a test host): the Host header is all there is.
            tenant = named ?? gateway.Default;
        }

        if (named is not null && !ReferenceEquals(named, tenant))
        {
            return KesResults.WriteErrorAsync(
                context,
                new KesError(StatusCodes.Status421MisdirectedRequest, $"host '{host}' is not served on this connection; connect with TLS server name '{host}'"));
        }

        context.Features.Set(tenant.Feature);

        // No scope means the default tenant, so a single-tenant gateway skips the per-request execution-context copy.
        return tenant.IsDefault ? _next(context) : TenantScope.RunAsync(tenant.Name, () => _next(context));
    }

    /// <summary>The host part of a Host header (<c>name</c>, <c>name:port</c>, <c>[v6]:port</c>) as a slice of it:
    /// <see cref="HostString.Host"/> would allocate a string on every request.</summary>
    internal static ReadOnlySpan<char> HostName(string? header)
    {
        var value = header.AsSpan();
        if (value.StartsWith('['))
        {
            var end = value.IndexOf(']');
            return end > 0 ? value[..(end + 1)] : value;
        }

        var colon = value.IndexOf(':');
        return colon >= 0 && colon == value.LastIndexOf(':') ? value[..colon] : value;
    }
}

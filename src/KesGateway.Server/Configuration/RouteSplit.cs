using System.Collections.Frozen;

namespace KesGateway.Server.Configuration;

/// <summary>Decides which KES routes a tenant serves itself and which it forwards to its upstream.</summary>
/// <remarks>
/// The hot path (MinIO's one generate per PUT, one decrypt per GET) and the cheap reads are native when the tenant
/// has a keystore; everything else goes to the upstream KES, which keeps owning key creation, deletion and its own
/// status. Without an upstream the tenant is a whole KES server; without a keystore it is a pure proxy.
/// </remarks>
public static class RouteSplit
{
    /// <summary>Gets the routes a tenant with both a keystore and an upstream serves natively unless <c>native:</c> says otherwise.</summary>
    public static FrozenSet<string> DefaultNative { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        "/v1/key/generate/",
        "/v1/key/decrypt/",
        "/v1/key/bulk/decrypt/",
        "/v1/key/encrypt/",
        "/v1/key/hmac/",
        "/v1/key/describe/");

    /// <summary>Gets the routes that are always native. The upstream sees the gateway's identity, not the caller's: only the
    /// gateway can tell a caller who it is, and only the gateway's log streams show every call of the tenant (native and
    /// forwarded) with the caller's identity, where the upstream's would show the forwarded ones under the gateway's. The
    /// metrics describe the gateway, which Prometheus scrapes here; it scrapes each upstream KES on its own.</summary>
    public static FrozenSet<string> AlwaysNative { get; } = FrozenSet.Create(
        StringComparer.Ordinal, "/v1/identity/self/describe", "/v1/log/audit", "/v1/log/error", "/v1/metrics");

    /// <summary>Reports whether <paramref name="tenant"/> serves the route at <paramref name="routePath"/> itself.</summary>
    public static bool IsNative(TenantConfig tenant, string routePath)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(routePath);
        if (tenant.Upstream is null || AlwaysNative.Contains(routePath))
        {
            return true;
        }

        if (tenant.KeyStore is null)
        {
            return false;
        }

        return tenant.Native is { } native ? native.Contains(routePath, StringComparer.Ordinal) : DefaultNative.Contains(routePath);
    }
}

using Microsoft.AspNetCore.Http;

namespace KesGateway.Server.Endpoints;

/// <summary>The default KES route table (kes-compat §2, vectors/api-routes.json) plus the legacy bulk decrypt.</summary>
public static class KesApi
{
    /// <summary>KES's body limit for routes that read one: 1 MB, decimal.</summary>
    public const long MaxBody = 1_000_000;

    /// <summary>The body limit of the legacy bulk decrypt, as KES v0.22 had it: 1 MiB.</summary>
    public const long BulkMaxBody = 1 << 20;

    private static readonly TimeSpan Short = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    /// <summary>Gets the routes with their default limits, before <c>api:</c> overrides.</summary>
    public static IReadOnlyList<KesRoute> DefaultRoutes { get; } =
    [
        new(HttpMethods.Get, "/version", 0, Short, RouteAuth.None, SystemEndpoints.VersionAsync),
        new(HttpMethods.Get, "/v1/ready", 0, Default, RouteAuth.Policy, SystemEndpoints.ReadyAsync),
        new(HttpMethods.Get, "/v1/status", 0, Default, RouteAuth.Policy, SystemEndpoints.StatusAsync),
        new(HttpMethods.Get, "/v1/metrics", 0, Default, RouteAuth.Policy, LogEndpoints.MetricsAsync),
        new(HttpMethods.Get, "/v1/api", 0, Short, RouteAuth.Policy, SystemEndpoints.ApiAsync),
        new(HttpMethods.Put, "/v1/key/create/", 0, Default, RouteAuth.Policy, KeyEndpoints.CreateAsync),
        new(HttpMethods.Put, "/v1/key/import/", MaxBody, Default, RouteAuth.Policy, KeyEndpoints.ImportAsync),
        new(HttpMethods.Get, "/v1/key/describe/", 0, Default, RouteAuth.Policy, KeyEndpoints.DescribeAsync),
        new(HttpMethods.Get, "/v1/key/list/", 0, Default, RouteAuth.Policy, KeyEndpoints.ListAsync),
        new(HttpMethods.Delete, "/v1/key/delete/", 0, Default, RouteAuth.Policy, KeyEndpoints.DeleteAsync),
        new(HttpMethods.Put, "/v1/key/generate/", MaxBody, Default, RouteAuth.Policy, KeyEndpoints.GenerateAsync),
        new(HttpMethods.Put, "/v1/key/encrypt/", MaxBody, Default, RouteAuth.Policy, KeyEndpoints.EncryptAsync),
        new(HttpMethods.Put, "/v1/key/decrypt/", MaxBody, Default, RouteAuth.Policy, KeyEndpoints.DecryptAsync),
        new(HttpMethods.Put, "/v1/key/bulk/decrypt/", BulkMaxBody, Default, RouteAuth.Policy, KeyEndpoints.BulkDecryptAsync),
        new(HttpMethods.Put, "/v1/key/hmac/", MaxBody, Default, RouteAuth.Policy, KeyEndpoints.HmacAsync),
        new(HttpMethods.Get, "/v1/policy/describe/", 0, Default, RouteAuth.Policy, PolicyEndpoints.DescribeAsync),
        new(HttpMethods.Get, "/v1/policy/read/", 0, Default, RouteAuth.Policy, PolicyEndpoints.ReadAsync),
        new(HttpMethods.Get, "/v1/policy/list/", 0, Default, RouteAuth.Policy, PolicyEndpoints.ListAsync),
        new(HttpMethods.Get, "/v1/identity/describe/", 0, Default, RouteAuth.Policy, IdentityEndpoints.DescribeAsync),
        new(HttpMethods.Get, "/v1/identity/self/describe", 0, Default, RouteAuth.IdentifyOnly, IdentityEndpoints.SelfDescribeAsync),
        new(HttpMethods.Get, "/v1/identity/list/", 0, Default, RouteAuth.Policy, IdentityEndpoints.ListAsync),
        new(HttpMethods.Get, "/v1/log/error", 0, TimeSpan.Zero, RouteAuth.Policy, LogEndpoints.ErrorAsync),
        new(HttpMethods.Get, "/v1/log/audit", 0, TimeSpan.Zero, RouteAuth.Policy, LogEndpoints.AuditAsync),
    ];
}

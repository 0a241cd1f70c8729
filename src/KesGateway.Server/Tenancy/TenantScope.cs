namespace KesGateway.Server.Tenancy;

/// <summary>The tenant whose request is running on this async flow, so log events raised while serving it reach only its log stream.</summary>
public static class TenantScope
{
    private static readonly AsyncLocal<string?> Tenant = new();

    /// <summary>Gets the current tenant's name, or <see langword="null"/> outside a request (background work).</summary>
    public static string? Current => Tenant.Value;

    /// <summary>Runs <paramref name="next"/> with <paramref name="tenant"/> as the current tenant; the value ends with the flow.</summary>
    internal static async Task RunAsync(string tenant, Func<Task> next)
    {
        // Set inside an async method, so the value never leaks into the caller's flow (the connection's next request).
        Tenant.Value = tenant;
        await next().ConfigureAwait(false);
    }
}

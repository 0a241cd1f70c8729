using KesGateway.Server.Hosting;

namespace KesGateway.Server.Tenancy;

/// <summary>The tenant a request belongs to, fixed by its connection's SNI and taken from the state current when the request arrived.</summary>
/// <param name="Tenant">The tenant's state snapshot.</param>
public sealed record TenantFeature(TenantState Tenant);

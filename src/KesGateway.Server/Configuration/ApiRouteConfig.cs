namespace KesGateway.Server.Configuration;

/// <summary>Per-route override (<c>api.&lt;path&gt;</c>).</summary>
/// <param name="SkipAuth">Whether the route only identifies callers instead of authorizing them.</param>
/// <param name="Timeout">The write deadline; <see langword="null"/> keeps the default.</param>
public sealed record ApiRouteConfig(bool SkipAuth, TimeSpan? Timeout);

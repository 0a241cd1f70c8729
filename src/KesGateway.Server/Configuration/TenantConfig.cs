using System.Collections.Immutable;

namespace KesGateway.Server.Configuration;

/// <summary>One tenant of the gateway (<c>tenants.&lt;name&gt;</c>, or the top-level KES sections for the default tenant).</summary>
/// <remarks>
/// A tenant is what one KES server was: its own certificate, admin, policies, cache, keystore, declared keys and route
/// overrides, plus the gateway's additions: the host names it answers to and the upstream KES cluster that serves
/// whatever it does not serve natively.
/// </remarks>
public sealed record TenantConfig
{
    /// <summary>The name of the tenant built from the top-level sections of the file.</summary>
    public const string DefaultName = "default";

    /// <summary>Gets the tenant's name (<c>default</c> for the top-level one); it appears in logs and metrics.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the host names (lower case, no port) whose SNI selects this tenant; a leading <c>*.</c> matches one label.
    /// Empty for the default tenant, which serves connections without SNI and, unless refused, unknown names.</summary>
    public ImmutableArray<string> Hosts { get; init; } = [];

    /// <summary>Gets the admin identity; a value that is not a computed identity (e.g. <c>disabled</c>) turns it off.</summary>
    public required string Admin { get; init; }

    /// <summary>Gets the TLS settings: the certificate presented for this tenant's hosts and how clients are verified.</summary>
    public required TlsConfig Tls { get; init; }

    /// <summary>Gets the policies, in file order.</summary>
    public ImmutableArray<PolicyConfig> Policies { get; init; } = [];

    /// <summary>Gets the key cache settings.</summary>
    public CacheConfig Cache { get; init; } = new();

    /// <summary>Gets the per-route overrides, keyed by the exact route path (e.g. <c>/v1/key/create/</c>).</summary>
    public ImmutableDictionary<string, ApiRouteConfig> Api { get; init; } = ImmutableDictionary<string, ApiRouteConfig>.Empty;

    /// <summary>Gets the names of keys that must exist; created at start and on reload if missing (needs a keystore).</summary>
    public ImmutableArray<string> Keys { get; init; } = [];

    /// <summary>Gets the keystore, or <see langword="null"/> for a tenant that only forwards to its upstream.</summary>
    public KeyStoreConfig? KeyStore { get; init; }

    /// <summary>Gets the rate limits.</summary>
    public RateLimitConfig Limits { get; init; } = new();

    /// <summary>Gets the name of the upstream KES cluster (<c>upstreams.&lt;name&gt;</c>), or <see langword="null"/> to serve everything natively.</summary>
    public string? Upstream { get; init; }

    /// <summary>Gets the route paths served natively (as <c>/v1/api</c> names them, e.g. <c>/v1/key/generate/</c>), or
    /// <see langword="null"/> for the default split (see <see cref="RouteSplit"/>).</summary>
    public ImmutableArray<string>? Native { get; init; }
}

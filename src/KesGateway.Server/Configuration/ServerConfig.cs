using System.Collections.Immutable;

namespace KesGateway.Server.Configuration;

/// <summary>A loaded and validated KES <c>config.yml</c> (kes-compat §9); immutable, swapped whole on reload.</summary>
public sealed record ServerConfig
{
    /// <summary>Gets the listen address (<c>IP:port</c> or <c>:port</c>).</summary>
    /// <value>Default <c>0.0.0.0:7373</c>.</value>
    public string Address { get; init; } = "0.0.0.0:7373";

    /// <summary>Gets the admin identity; a value that is not a computed identity (e.g. <c>disabled</c>) turns it off.</summary>
    public required string Admin { get; init; }

    /// <summary>Gets the server TLS settings.</summary>
    public required TlsConfig Tls { get; init; }

    /// <summary>Gets the policies, in file order.</summary>
    public ImmutableArray<PolicyConfig> Policies { get; init; } = [];

    /// <summary>Gets the key cache settings.</summary>
    public CacheConfig Cache { get; init; } = new();

    /// <summary>Gets the per-route overrides, keyed by the exact route path (e.g. <c>/v1/key/create/</c>).</summary>
    public ImmutableDictionary<string, ApiRouteConfig> Api { get; init; } = ImmutableDictionary<string, ApiRouteConfig>.Empty;

    /// <summary>Gets the log levels.</summary>
    public LogConfig Log { get; init; } = new();

    /// <summary>Gets the names of keys that must exist; created at start and on reload if missing.</summary>
    public ImmutableArray<string> Keys { get; init; } = [];

    /// <summary>Gets the keystore, or <see langword="null"/> when the default tenant only forwards to <see cref="Upstream"/>.</summary>
    public KeyStoreConfig? KeyStore { get; init; }

    /// <summary>Gets the default tenant's rate limits (<c>limits:</c>).</summary>
    public RateLimitConfig Limits { get; init; } = new();

    /// <summary>Gets the Redis server replicas share their rate-limit budgets through (<c>gateway.redis</c>), or <see langword="null"/> for per-replica budgets.</summary>
    public RedisConfig? Redis { get; init; }

    /// <summary>Gets the default tenant's upstream KES cluster (<c>upstream:</c>), or <see langword="null"/> to serve everything natively.</summary>
    public string? Upstream { get; init; }

    /// <summary>Gets the default tenant's natively served routes (<c>native:</c>), or <see langword="null"/> for the default split.</summary>
    public ImmutableArray<string>? Native { get; init; }

    /// <summary>Gets the named tenants (<c>tenants:</c>), in file order; the top-level sections are the default tenant.</summary>
    public ImmutableArray<TenantConfig> Tenants { get; init; } = [];

    /// <summary>Gets the upstream KES clusters (<c>upstreams:</c>), in file order.</summary>
    public ImmutableArray<UpstreamConfig> Upstreams { get; init; } = [];

    /// <summary>Gets what a connection whose SNI names no tenant gets (<c>gateway.unknown_hosts</c>).</summary>
    /// <value>Default <see cref="UnknownHostPolicy.Default"/>.</value>
    public UnknownHostPolicy UnknownHosts { get; init; }

    /// <summary>Gets a value indicating whether the config file and the files it names are watched and reloaded on change (<c>gateway.watch</c>).</summary>
    /// <value>Default on.</value>
    public bool Watch { get; init; } = true;

    /// <summary>Gets the default tenant: the top-level KES sections, as a KES server would serve them.</summary>
    public TenantConfig DefaultTenant => new()
    {
        Name = TenantConfig.DefaultName,
        Admin = Admin,
        Tls = Tls,
        Policies = Policies,
        Cache = Cache,
        Api = Api,
        Keys = Keys,
        KeyStore = KeyStore,
        Limits = Limits,
        Upstream = Upstream,
        Native = Native,
    };

    /// <summary>Gets every tenant: the default one first, then the named ones in file order.</summary>
    public IEnumerable<TenantConfig> AllTenants => Tenants.Insert(0, DefaultTenant);

    /// <summary>Gets the notices found while loading (deprecated fields, patterns old KES treated as globs).</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];
}

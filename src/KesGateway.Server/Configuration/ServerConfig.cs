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

    /// <summary>Gets the keystore.</summary>
    public required KeyStoreConfig KeyStore { get; init; }

    /// <summary>Gets the notices found while loading (deprecated fields, patterns old KES treated as globs).</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];
}

using System.Collections.Frozen;
using System.Collections.Immutable;
using KesGateway.Server.Configuration;

namespace KesGateway.Server.Hosting;

/// <summary>The whole gateway at one instant: every tenant and how host names select them; swapped whole on reload.</summary>
public sealed class GatewayState
{
    private readonly FrozenDictionary<string, TenantState> _byHost;
    private readonly FrozenDictionary<string, TenantState> _byWildcard;
    private readonly FrozenDictionary<string, TenantState> _byName;

    /// <summary>Creates the state; <paramref name="tenants"/> holds the default tenant first.</summary>
    public GatewayState(ServerConfig config, ImmutableArray<TenantState> tenants)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (tenants.IsDefaultOrEmpty || tenants[0].Name != TenantConfig.DefaultName)
        {
            throw new ArgumentException("the default tenant must come first", nameof(tenants));
        }

        Config = config;
        Tenants = tenants;
        _byName = tenants.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        var exact = new Dictionary<string, TenantState>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, TenantState>(StringComparer.OrdinalIgnoreCase);
        foreach (var tenant in tenants)
        {
            foreach (var host in tenant.Config.Hosts)
            {
                if (host.StartsWith("*.", StringComparison.Ordinal))
                {
                    wildcard[host[1..]] = tenant;
                }
                else
                {
                    exact[host] = tenant;
                }
            }
        }

        _byHost = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _byWildcard = wildcard.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the configuration this state was built from.</summary>
    public ServerConfig Config { get; }

    /// <summary>Gets every tenant, the default one first.</summary>
    public ImmutableArray<TenantState> Tenants { get; }

    /// <summary>Gets the default tenant (the top-level sections of the config).</summary>
    public TenantState Default => Tenants[0];

    /// <summary>Finds a tenant by name.</summary>
    public TenantState? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Finds the tenant whose hosts include <paramref name="host"/> (exact first, then <c>*.</c> one label deep), or <see langword="null"/>.</summary>
    public TenantState? FindByHost(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty)
        {
            return null;
        }

        var exact = _byHost.GetAlternateLookup<ReadOnlySpan<char>>();
        if (exact.TryGetValue(host, out var tenant))
        {
            return tenant;
        }

        var dot = host.IndexOf('.');
        var wildcard = _byWildcard.GetAlternateLookup<ReadOnlySpan<char>>();
        return dot > 0 && wildcard.TryGetValue(host[dot..], out tenant) ? tenant : null;
    }

    /// <summary>Picks the tenant for a TLS connection from its SNI, or <see langword="null"/> when the name must be refused.</summary>
    /// <remarks>No SNI (clients that connect to an IP literal send none) always means the default tenant.</remarks>
    public TenantState? ForServerName(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return Default;
        }

        return FindByHost(serverName) ?? (Config.UnknownHosts == UnknownHostPolicy.Refuse ? null : Default);
    }
}

using System.Collections.Frozen;
using System.Collections.Immutable;
using KesGateway.Server.Configuration;

namespace KesGateway.Server.Endpoints;

/// <summary>The immutable route table after <c>api:</c> overrides; matches paths as Go's <c>ServeMux</c> does for KES.</summary>
public sealed class KesRouteTable
{
    private readonly FrozenDictionary<string, KesRoute> _exact;
    private readonly ImmutableArray<KesRoute> _subtrees;

    private KesRouteTable(ImmutableArray<KesRoute> routes, bool someRouteSkipsAuth)
    {
        Routes = routes;
        _exact = routes.ToFrozenDictionary(r => r.Path, StringComparer.Ordinal);

        // Longest first, so a more specific subtree wins as in ServeMux.
        _subtrees = [.. routes.Where(r => r.IsSubtree).OrderByDescending(r => r.Path.Length)];
        SomeRouteSkipsAuth = someRouteSkipsAuth;
    }

    /// <summary>Gets every route, in table order.</summary>
    public ImmutableArray<KesRoute> Routes { get; }

    /// <summary>Gets a value indicating whether some route was configured with <c>skip_auth</c>, which makes a client
    /// certificate optional in the handshake (kes-compat §1.1); self-describe's own leniency does not count, as in KES.</summary>
    public bool SomeRouteSkipsAuth { get; }

    /// <summary>Builds the table from the defaults and the config's per-route overrides; overrides of unknown paths are ignored, as in KES.</summary>
    public static KesRouteTable Create(IEnumerable<KesRoute> defaults, IReadOnlyDictionary<string, ApiRouteConfig> overrides)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(overrides);
        var routes = defaults.Select(route =>
        {
            if (!overrides.TryGetValue(route.Path, out var o))
            {
                return route;
            }

            return route with
            {
                Auth = o.SkipAuth && route.Auth == RouteAuth.Policy ? RouteAuth.IdentifyOnly : route.Auth,
                Timeout = o.Timeout is { } t && t > TimeSpan.Zero ? t : route.Timeout,
            };
        });
        var list = routes.ToImmutableArray();
        var skips = list.Any(r => overrides.TryGetValue(r.Path, out var o) && o.SkipAuth);
        return new KesRouteTable(list, skips);
    }

    /// <summary>Finds the route for a percent-decoded, clean path.</summary>
    /// <returns>The route and the resource (the rest of the path after a subtree route), or <see langword="null"/>.</returns>
    public (KesRoute Route, string Resource)? Match(string path)
    {
        if (_exact.TryGetValue(path, out var exact))
        {
            return (exact, exact.IsSubtree ? string.Empty : path[path.Length..]);
        }

        foreach (var route in _subtrees)
        {
            if (path.StartsWith(route.Path, StringComparison.Ordinal))
            {
                return (route, path[route.Path.Length..]);
            }
        }

        return null;
    }

    /// <summary>Reports whether <paramref name="path"/> names a subtree route without its trailing slash (ServeMux redirects it).</summary>
    public bool IsSubtreeRootWithoutSlash(string path) => _exact.ContainsKey(path + "/");
}

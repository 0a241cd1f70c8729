using System.Collections.Frozen;
using System.Globalization;
using System.Security.Authentication;
using KesGateway.Server.Configuration;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;
using YarpHealthCheckConfig = Yarp.ReverseProxy.Configuration.HealthCheckConfig;

namespace KesGateway.Server.Proxy;

/// <summary>Turns <c>upstreams:</c> into YARP routes and clusters: one cluster and one route per upstream.</summary>
/// <remarks>
/// Every route matches every path; the first (lowest <see cref="RouteConfig.Order"/>) is the one endpoint routing
/// picks, and the proxy pipeline then moves the request to the route of the cluster the caller chose. One route per
/// cluster, rather than one route for all, is needed because YARP 2.3 files passive health results, concurrency
/// counts and telemetry under the *route's* cluster (PassiveHealthCheckMiddleware, ForwarderMiddleware), so a request
/// reassigned to another cluster alone would mark destinations of one cluster and refresh another.
/// </remarks>
internal static class UpstreamRoutes
{
    /// <summary>The cluster metadata entry holding <see cref="UpstreamTlsMaterial.Fingerprint"/>.</summary>
    public const string TlsFingerprintMetadata = "KesGateway.TlsFingerprint";

    /// <summary>Gets the inbound headers that could carry a client identity; no caller may pass them to an upstream.</summary>
    public static IReadOnlyList<string> IdentityHeaders { get; } =
    [
        "X-Tls-Client-Certificate",
        "X-Forwarded-Client-Cert",
        "X-Client-Cert",
        "X-SSL-Client-Cert",
        "Ssl-Client-Cert",
        "X-Client-Identity",
    ];

    /// <summary>Returns the id of the route that forwards to <paramref name="upstream"/>.</summary>
    public static string RouteIdOf(string upstream) => "upstream/" + upstream;

    /// <summary>Builds the snapshot, loading (and so validating) each upstream's TLS material.</summary>
    /// <exception cref="ConfigException">An upstream cannot be served; the message names the field.</exception>
    public static KesProxyConfig Build(IReadOnlyList<UpstreamConfig> upstreams, IEnumerable<string>? extraIdentityHeaders)
    {
        ArgumentNullException.ThrowIfNull(upstreams);
        var removed = IdentityHeaders.Concat(extraIdentityHeaders ?? []).Where(h => !string.IsNullOrWhiteSpace(h))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (removed.FirstOrDefault(h => !IsToken(h)) is { } invalid)
        {
            throw new ConfigException($"'{invalid}' is not an HTTP header name");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var routes = new List<RouteConfig>(upstreams.Count);
        var clusters = new List<ClusterConfig>(upstreams.Count);
        var tls = new Dictionary<string, UpstreamTlsMaterial>(StringComparer.Ordinal);
        for (var i = 0; i < upstreams.Count; i++)
        {
            var upstream = upstreams[i] ?? throw new ArgumentException("upstreams contains null", nameof(upstreams));
            if (string.IsNullOrWhiteSpace(upstream.Name))
            {
                throw new ConfigException("upstreams: an upstream has an empty name");
            }

            if (!names.Add(upstream.Name))
            {
                throw new ConfigException($"upstreams.{upstream.Name}: defined twice (names are case-insensitive)");
            }

            Validate(upstream);
            var material = UpstreamTlsMaterial.Load(upstream);
            tls[material.Fingerprint] = material;
            clusters.Add(ClusterOf(upstream, material));
            routes.Add(RouteOf(upstream.Name, i, removed));
        }

        return new KesProxyConfig(upstreams, routes, clusters, tls.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static RouteConfig RouteOf(string upstream, int order, IReadOnlyList<string> removedHeaders)
    {
        var route = new RouteConfig
        {
            RouteId = RouteIdOf(upstream),
            ClusterId = upstream,
            Order = order,
            Match = new RouteMatch { Path = "/{**catch-all}" },
        };

        // The upstream sees its own address as Host (or tls.server_name), never the name the client used for us.
        route = route.WithTransformUseOriginalHostHeader(false);
        foreach (var header in removedHeaders)
        {
            // A client must not pose as someone else to an upstream that trusts the gateway as a proxy (conventions,
            // pitfall 5); whoever forwards the caller's identity sets the header after these transforms.
            route = route.WithTransformRequestHeaderRemove(header);
        }

        return route;
    }

    private static ClusterConfig ClusterOf(UpstreamConfig upstream, UpstreamTlsMaterial material)
    {
        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in upstream.Endpoints)
        {
            // The address is the id, so an endpoint keeps its health when others are added, removed or reordered.
            var address = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
            destinations[address] = new DestinationConfig
            {
                Address = address,

                // Host decides SNI and the name the certificate is verified against (SocketsHttpHandler), as Go's ServerName.
                Host = material.ServerName is null ? null : HostOf(material.ServerName, endpoint),
            };
        }

        var health = upstream.Health;
        return new ClusterConfig
        {
            ClusterId = upstream.Name,
            LoadBalancingPolicy = LoadBalancingPolicies.PowerOfTwoChoices,
            Destinations = destinations,
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = upstream.Timeout },
            HttpClient = new HttpClientConfig { SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 },
            HealthCheck = new YarpHealthCheckConfig
            {
                // A cluster whose endpoints all look down is still tried, so the client gets a real answer or our 502.
                AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = health.Active,
                    Interval = health.Interval,
                    Timeout = health.Timeout,
                    Path = health.Path,
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                },
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = health.Passive,
                    Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                    ReactivationPeriod = health.Reactivation,
                },
            },
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [TlsFingerprintMetadata] = material.Fingerprint },
        };
    }

    private static void Validate(UpstreamConfig upstream)
    {
        var field = $"upstreams.{upstream.Name}";
        if (upstream.Endpoints.IsDefaultOrEmpty)
        {
            throw new ConfigException($"{field}.endpoints: no endpoint. List the KES servers, e.g. https://kes-1:7373");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < upstream.Endpoints.Length; i++)
        {
            var endpoint = upstream.Endpoints[i];
            if (endpoint is null || !endpoint.IsAbsoluteUri || endpoint.Scheme != Uri.UriSchemeHttps)
            {
                throw new ConfigException($"{field}.endpoints[{i}]: '{endpoint}' is not an https:// address; KES servers only speak TLS");
            }

            if (!seen.Add(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/')))
            {
                throw new ConfigException($"{field}.endpoints[{i}]: '{endpoint}' is listed twice");
            }
        }

        if (upstream.Timeout <= TimeSpan.Zero)
        {
            throw new ConfigException($"{field}.timeout: must be positive");
        }

        var health = upstream.Health;
        if (health.Active)
        {
            if (string.IsNullOrEmpty(health.Path) || health.Path[0] != '/')
            {
                throw new ConfigException($"{field}.health.path: '{health.Path}' is not a path; use /v1/ready or /v1/status");
            }

            if (health.Interval <= TimeSpan.Zero || health.Timeout <= TimeSpan.Zero)
            {
                throw new ConfigException($"{field}.health: interval and timeout must be positive");
            }
        }

        if (health.Passive && health.Reactivation <= TimeSpan.Zero)
        {
            throw new ConfigException($"{field}.health.reactivation: must be positive");
        }
    }

    /// <summary>Whether <paramref name="name"/> is an RFC 9110 token, as header names must be.</summary>
    private static bool IsToken(string name) =>
        name.All(c => c is > ' ' and < (char)127 && !"\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal));

    private static string HostOf(string serverName, Uri endpoint) =>
        endpoint.IsDefaultPort ? serverName : string.Create(CultureInfo.InvariantCulture, $"{serverName}:{endpoint.Port}");
}

using System.Collections.Immutable;
using System.Net;
using KesGateway.Core.Protocol;
using KesGateway.Server.Endpoints;

namespace KesGateway.Server.Configuration;

/// <summary>The gateway extensions: <c>upstream</c>, <c>native</c>, <c>gateway</c>, <c>upstreams</c> and <c>tenants</c>.</summary>
/// <remarks>A plain KES file has none of these sections, so it reads exactly as before: the top level is the default tenant.</remarks>
internal sealed partial class KesConfigReader
{
    private const int MaxGatewayNameLength = 64;
    private const string GatewayNameHelp = "Use 1-64 characters of A-Z a-z 0-9 _ -";
    private const string HostHelp = "Write a DNS name such as kms.acme.example, or *.acme.internal for every name one label below acme.internal";

    // Top-level sections that configure the whole server; inside a tenant they would be silently ignored.
    private static readonly string[] ServerWideSections = ["version", "address", "log", "gateway", "upstreams", "tenants"];

    private static readonly string[] HealthPaths = ["/v1/ready", "/v1/status"];

    private (UnknownHostPolicy UnknownHosts, bool Watch) ReadGateway(ConfigNode section)
    {
        var unknownNode = section["unknown_hosts"];
        var unknown = unknownNode.Text();
        var policy = unknown?.Trim().ToUpperInvariant() switch
        {
            null or "" or "DEFAULT" => UnknownHostPolicy.Default,
            "REFUSE" => UnknownHostPolicy.Refuse,
            _ => throw _source.Error(
                unknownNode.Field,
                unknownNode.Line,
                $"invalid unknown_hosts '{unknown}'",
                "Use 'default' (names no tenant lists are served by the top-level tenant, as KES serves any name) or 'refuse' (their TLS handshake fails)"),
        };

        return (policy, section["watch"].Boolean() ?? true);
    }

    private ImmutableArray<UpstreamConfig> ReadUpstreams(ConfigNode section)
    {
        var upstreams = ImmutableArray.CreateBuilder<UpstreamConfig>();
        var names = new Dictionary<string, (string Name, int Line)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, body) in section.Entries())
        {
            CheckGatewayName(name, body, "upstream", names);
            upstreams.Add(ReadUpstream(name, body));
        }

        return upstreams.ToImmutable();
    }

    private UpstreamConfig ReadUpstream(string name, ConfigNode body)
    {
        var endpointsNode = body["endpoints"];
        var items = endpointsNode.Items();
        if (items.Count == 0)
        {
            throw _source.Error(
                endpointsNode.Field,
                endpointsNode.Line,
                $"upstream '{name}' has no endpoints",
                "List the KES servers of the cluster, e.g. 'endpoints: [https://10.0.0.1:7373, https://kes-2.internal:7373]'");
        }

        var endpoints = ImmutableArray.CreateBuilder<Uri>(items.Count);
        var seen = new Dictionary<Uri, int>();
        foreach (var item in items)
        {
            var endpoint = ReadEndpoint(item);
            if (seen.TryGetValue(endpoint, out var first))
            {
                throw _source.Error(item.Field, item.Line, $"endpoint '{endpoint}' is listed twice (first at line {first})", "Remove the repeated entry");
            }

            seen.Add(endpoint, item.Line);
            endpoints.Add(endpoint);
        }

        var defaults = new UpstreamConfig { Name = name, Endpoints = [] };
        return defaults with
        {
            Endpoints = endpoints.MoveToImmutable(),
            Timeout = ReadPositive(body["timeout"], "invalid upstream timeout") ?? defaults.Timeout,
            Tls = ReadUpstreamTls(body["tls"]),
            Health = ReadHealth(body["health"]),
        };
    }

    private Uri ReadEndpoint(ConfigNode item)
    {
        var text = item.Text()?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw _source.Error(item.Field, item.Line, "empty endpoint", "Write the KES server's address as https://host:port, e.g. https://10.0.0.1:7373");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.HostNameType == UriHostNameType.Unknown)
        {
            throw _source.Error(item.Field, item.Line, $"invalid endpoint '{text}'", "Write the KES server's address as https://host:port, e.g. https://10.0.0.1:7373");
        }

        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            throw _source.Error(
                item.Field,
                item.Line,
                $"endpoint '{text}' uses http://",
                $"KES serves only TLS (and identifies callers by their certificate); write https://{uri.Authority}");
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw _source.Error(
                item.Field,
                item.Line,
                $"endpoint '{text}' has a path, query or user name",
                $"Write only the scheme, host and port, e.g. https://{uri.Authority}; forwarded calls keep their own /v1/... path");
        }

        if (!HasExplicitPort(text))
        {
            _source.Warn(item.Field, item.Line, $"endpoint '{text}' has no port, so 443 is used; KES listens on 7373 unless told otherwise");
        }

        return uri;
    }

    private UpstreamTlsConfig ReadUpstreamTls(ConfigNode tls)
    {
        var certNode = tls["cert"];
        var keyNode = tls["key"];
        var cert = NullIfEmpty(certNode.Text());
        var key = NullIfEmpty(keyNode.Text());
        if (cert is not null && key is null)
        {
            throw _source.Error(keyNode.Field, keyNode.Line, "a client certificate without its private key", $"Give the PEM private key of {certNode.Field} in {keyNode.Field}, or remove both");
        }

        if (cert is null && key is not null)
        {
            throw _source.Error(certNode.Field, certNode.Line, "a private key without its client certificate", $"Give the PEM certificate of {keyNode.Field} in {certNode.Field}, or remove both");
        }

        var skipNode = tls["skip_verify"];
        var skip = skipNode.Boolean() ?? false;
        if (skip)
        {
            _source.Warn(
                skipNode.Field,
                skipNode.Line,
                "upstream certificates are not verified, so anyone on the path can pose as the upstream KES and see every forwarded key; use it only in tests, and set ca: to the upstream's CA instead");
        }

        var serverNameNode = tls["server_name"];
        var serverName = NullIfEmpty(serverNameNode.Text()?.Trim());
        if (serverName is not null && Uri.CheckHostName(serverName) == UriHostNameType.Unknown)
        {
            throw _source.Error(
                serverNameNode.Field,
                serverNameNode.Line,
                $"invalid server_name '{serverName}'",
                "Write the DNS name (or IP) the upstream's certificate is issued for, without scheme or port, e.g. kes.internal");
        }

        var ca = NullIfEmpty(tls["ca"].Text());
        return new UpstreamTlsConfig
        {
            CertificatePath = cert is null ? null : _source.ResolvePath(cert),
            KeyPath = key is null ? null : _source.ResolvePath(key),
            Password = NullIfEmpty(tls["password"].Text()),
            CaPath = ca is null ? null : _source.ResolvePath(ca),
            SkipVerify = skip,
            ServerName = serverName,
        };
    }

    private HealthCheckConfig ReadHealth(ConfigNode health)
    {
        var defaults = new HealthCheckConfig();
        var pathNode = health["path"];
        var path = NullIfEmpty(pathNode.Text()?.Trim()) ?? defaults.Path;
        if (!path.StartsWith('/'))
        {
            throw _source.Error(pathNode.Field, pathNode.Line, $"invalid health check path '{path}'", "Write a path starting with '/', e.g. /v1/ready (the default) or /v1/status");
        }

        if (!HealthPaths.Contains(path, StringComparer.Ordinal))
        {
            _source.Warn(pathNode.Field, pathNode.Line, $"'{path}' is neither /v1/ready nor /v1/status, the KES routes meant for health checks; any 2xx answer counts as healthy");
        }

        var intervalNode = health["interval"];
        var timeoutNode = health["timeout"];
        var interval = ReadPositive(intervalNode, "invalid health check interval") ?? defaults.Interval;
        var timeout = ReadPositive(timeoutNode, "invalid health check timeout") ?? defaults.Timeout;
        if (timeout >= interval)
        {
            // Name the field the user wrote: with only one of the two given, the other is the default.
            var node = timeoutNode.Exists ? timeoutNode : intervalNode;
            throw _source.Error(
                node.Field,
                node.Line,
                $"the health check timeout ({GoDuration.Format(timeout)}) is not shorter than the interval ({GoDuration.Format(interval)})",
                $"A probe must end before the next one starts; make {timeoutNode.Field} shorter than {intervalNode.Field} (defaults 5s and 10s)");
        }

        return new HealthCheckConfig
        {
            Active = health["active"].Boolean() ?? defaults.Active,
            Path = path,
            Interval = interval,
            Timeout = timeout,
            Passive = health["passive"].Boolean() ?? defaults.Passive,
            Reactivation = ReadPositive(health["reactivation"], "invalid reactivation period") ?? defaults.Reactivation,
        };
    }

    private TimeSpan? ReadPositive(ConfigNode node, string what)
    {
        var value = node.Duration();
        if (value <= TimeSpan.Zero)
        {
            throw _source.Error(node.Field, node.Line, $"{what} '{node.Text()}'", "Use a duration above 0s, e.g. 10s");
        }

        return value;
    }

    // The routing half of a tenant (the default one included): where its keys live and where what it does not serve goes.
    private Backend ReadBackend(ConfigNode tenant, ImmutableArray<string> keys, ImmutableArray<UpstreamConfig> upstreams, HashSet<string> used)
    {
        var isDefault = tenant.Field.Length == 0;
        var upstreamNode = tenant["upstream"];
        var upstream = NullIfEmpty(upstreamNode.Text()?.Trim());
        if (upstream is not null)
        {
            if (!upstreams.Any(u => u.Name == upstream))
            {
                var fix = upstreams.IsEmpty
                    ? $"Define it under 'upstreams:' with its endpoints, e.g. 'upstreams: {{{upstream}: {{endpoints: [https://10.0.0.1:7373]}}}}'"
                    : $"Name one of the clusters under 'upstreams:': {string.Join(", ", upstreams.Select(u => u.Name))}";
                throw _source.Error(upstreamNode.Field, upstreamNode.Line, $"upstream '{upstream}' is not defined", fix);
            }

            used.Add(upstream);
        }

        var keyStoreNode = tenant["keystore"];
        KeyStoreConfig? keyStore = null;
        if (!keyStoreNode.IsNull || upstream is null)
        {
            // The top level keeps KES's message; a tenant's also points at the other way to give it a backend.
            keyStore = isDefault || !keyStoreNode.IsNull
                ? ReadKeyStore(keyStoreNode)
                : throw _source.Error(
                    keyStoreNode.Field,
                    keyStoreNode.Line,
                    "no keystore specified",
                    $"Give {tenant.Field} a keystore section (e.g. 'fs:' with 'path: ./keys', or 'vault:'), an 'upstream:' KES cluster to forward to, or both");
        }

        var keysNode = tenant["keys"];
        if (keyStore is null && !keys.IsEmpty)
        {
            throw _source.Error(
                keysNode.Field,
                keysNode.Line,
                "keys cannot be created without a keystore",
                $"Add a keystore to {(isDefault ? "the top level" : tenant.Field)}, or remove 'keys:' and create the keys at the upstream KES '{upstream}'");
        }

        return new Backend(keyStore, upstream, ReadNative(tenant["native"], upstream, keyStore));
    }

    private ImmutableArray<string>? ReadNative(ConfigNode section, string? upstream, KeyStoreConfig? keyStore)
    {
        if (section.IsNull)
        {
            return null;
        }

        var known = KesApi.DefaultRoutes.Select(r => r.Path).ToArray();
        var native = ImmutableArray.CreateBuilder<string>();
        foreach (var item in section.Items())
        {
            var path = item.Text()?.Trim() ?? string.Empty;
            if (!known.Contains(path, StringComparer.Ordinal))
            {
                var closest = known.MinBy(k => EditDistance(k, path))!;
                throw _source.Error(
                    item.Field,
                    item.Line,
                    $"'{path}' is not a KES route",
                    $"Did you mean '{closest}'? Write route paths exactly as /v1/api lists them (subtrees end in '/'): {string.Join(' ', known)}");
            }

            if (!native.Contains(path))
            {
                native.Add(path);
            }
        }

        if (keyStore is null)
        {
            throw _source.Error(
                section.Field,
                section.Line,
                "native routes need a keystore, and this tenant has none",
                "Add a keystore next to 'upstream:' to serve these routes from it, or remove 'native:' to forward every route");
        }

        if (upstream is null)
        {
            _source.Warn(section.Field, section.Line, "has no effect without 'upstream:': a tenant without an upstream serves every route itself");
        }

        return native.ToImmutable();
    }

    private ImmutableArray<TenantConfig> ReadTenants(
        ConfigNode section,
        ImmutableArray<UpstreamConfig> upstreams,
        HashSet<string> used,
        Dictionary<string, (string Tenant, int Line)> snapshots)
    {
        var tenants = ImmutableArray.CreateBuilder<TenantConfig>();
        var names = new Dictionary<string, (string Name, int Line)>(StringComparer.OrdinalIgnoreCase);
        var hosts = new Dictionary<string, (string Tenant, int Line)>(StringComparer.Ordinal);
        foreach (var (name, body) in section.Entries())
        {
            CheckGatewayName(name, body, "tenant", names);
            if (string.Equals(name, TenantConfig.DefaultName, StringComparison.OrdinalIgnoreCase))
            {
                throw _source.Error(
                    body.Field,
                    body.Line,
                    $"the tenant name '{name}' is reserved for the top-level sections",
                    "Choose another name, or move these settings to the top level of the file");
            }

            if (body.IsNull)
            {
                throw _source.Error(body.Field, body.Line, $"tenant '{name}' is empty", "Give it at least hosts, admin.identity, tls.key, tls.cert and a keystore or an upstream");
            }

            WarnServerWide(body);
            var tenantHosts = ReadHosts(name, body["hosts"], hosts);
            var admin = ReadAdmin(body);
            var tls = ReadTls(body["tls"], admin);
            var policies = ReadPolicies(body["policy"], admin, tls.ProxyIdentities);
            var cache = ReadCache(body["cache"]);
            CheckSnapshotPath(name, body["cache"]["snapshot"]["path"], cache, snapshots);
            var api = ReadApi(body["api"]);
            var keys = ReadKeys(body["keys"]);
            var backend = ReadBackend(body, keys, upstreams, used);
            var limits = ReadLimits(body["limits"], policies);
            tenants.Add(new TenantConfig
            {
                Name = name,
                Hosts = tenantHosts,
                Admin = admin,
                Tls = tls,
                Policies = policies,
                Cache = cache,
                Api = api,
                Keys = keys,
                KeyStore = backend.KeyStore,
                Limits = limits,
                Upstream = backend.Upstream,
                Native = backend.Native,
            });
        }

        return tenants.ToImmutable();
    }

    private void CheckGatewayName(string name, ConfigNode body, string kind, Dictionary<string, (string Name, int Line)> seen)
    {
        if (name.Length is 0 or > MaxGatewayNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw _source.Error(body.Field, body.Line, $"invalid {kind} name '{name}'", GatewayNameHelp);
        }

        // Exact repeats are already duplicate keys; names differing only in case would read alike in logs and metrics.
        if (seen.TryGetValue(name, out var first))
        {
            throw _source.Error(
                body.Field,
                body.Line,
                $"{kind} name '{name}' differs only in case from '{first.Name}' (line {first.Line})",
                $"Names appear in logs and metrics; rename one of the two {kind}s");
        }

        seen.Add(name, (name, body.Line));
    }

    private void WarnServerWide(ConfigNode tenant)
    {
        foreach (var key in ServerWideSections)
        {
            var node = tenant[key];
            if (node.Exists)
            {
                _source.Warn(node.Field, node.Line, $"'{key}' applies to the whole server and is ignored inside a tenant; set it at the top level");
            }
        }
    }

    private ImmutableArray<string> ReadHosts(string tenant, ConfigNode section, Dictionary<string, (string Tenant, int Line)> owners)
    {
        var items = section.Items();
        if (items.Count == 0)
        {
            throw _source.Error(
                section.Field,
                section.Line,
                $"tenant '{tenant}' has no hosts",
                "List the DNS names its clients connect to (the TLS SNI name selects the tenant), e.g. 'hosts: [kms.acme.example, \"*.acme.internal\"]'");
        }

        var hosts = ImmutableArray.CreateBuilder<string>(items.Count);
        foreach (var item in items)
        {
            var host = ReadHost(item);
            if (owners.TryGetValue(host, out var owner))
            {
                var what = owner.Tenant == tenant
                    ? $"host '{host}' is listed twice (first at line {owner.Line})"
                    : $"host '{host}' already belongs to tenant '{owner.Tenant}' (line {owner.Line})";
                var fix = owner.Tenant == tenant
                    ? "Remove the repeated entry (names are compared in lower case)"
                    : $"A host name selects exactly one tenant; remove it from tenant '{owner.Tenant}' or '{tenant}'";
                throw _source.Error(item.Field, item.Line, what, fix);
            }

            owners.Add(host, (tenant, item.Line));
            hosts.Add(host);
        }

        return hosts.MoveToImmutable();
    }

    private string ReadHost(ConfigNode item)
    {
        var text = item.Text()?.Trim() ?? string.Empty;
        var host = text.ToLowerInvariant();
        if (host.Length == 0)
        {
            throw _source.Error(item.Field, item.Line, "empty host name", HostHelp);
        }

        if (IsIpLiteral(host))
        {
            throw _source.Error(
                item.Field,
                item.Line,
                $"'{text}' is an IP address",
                "Tenants are chosen by the TLS server name (SNI), which clients send only for DNS names; list DNS names (connections to an IP address reach the default tenant)");
        }

        if (host.Contains("://", StringComparison.Ordinal) || host.Contains('/', StringComparison.Ordinal))
        {
            throw _source.Error(item.Field, item.Line, $"'{text}' is a URL, not a host name", HostHelp);
        }

        var colon = host.LastIndexOf(':');
        if (colon >= 0)
        {
            throw _source.Error(item.Field, item.Line, $"'{text}' has a port", $"Write '{host[..colon]}': the TLS server name (SNI) never carries a port");
        }

        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (name.Contains('*', StringComparison.Ordinal))
        {
            throw _source.Error(item.Field, item.Line, $"invalid wildcard '{text}'", "A wildcard may only be the whole first label, as in *.acme.internal");
        }

        if (!IsDnsName(name))
        {
            throw _source.Error(
                item.Field,
                item.Line,
                $"invalid host name '{text}'",
                HostHelp + "; labels are 1-63 characters of a-z 0-9 -, not starting or ending with '-'");
        }

        return host;
    }

    private void CheckSnapshotPath(string tenant, ConfigNode pathNode, CacheConfig cache, Dictionary<string, (string Tenant, int Line)> snapshots)
    {
        if (cache.Snapshot is not { } snapshot)
        {
            return;
        }

        // Two tenants writing one file would overwrite each other's snapshot, and each could not open the other's.
        if (snapshots.TryGetValue(snapshot.Path, out var owner))
        {
            throw _source.Error(
                pathNode.Field,
                pathNode.Line,
                $"the snapshot file '{snapshot.Path}' is already used by tenant '{owner.Tenant}' (line {owner.Line})",
                "Give every tenant its own snapshot file");
        }

        snapshots.Add(snapshot.Path, (tenant, pathNode.Line));
    }

    private void WarnUnusedUpstreams(ImmutableArray<UpstreamConfig> upstreams, HashSet<string> used, ConfigNode section)
    {
        foreach (var upstream in upstreams)
        {
            if (!used.Contains(upstream.Name))
            {
                var node = section[upstream.Name];
                _source.Warn(node.Field, node.Line, $"no tenant uses upstream '{upstream.Name}'; name it in a tenant's 'upstream:' or remove it");
            }
        }
    }

    private static bool IsIpLiteral(string host)
    {
        if (host.StartsWith('['))
        {
            return true;
        }

        // A bare IPv6 address, or one followed by a port in the IPv4 form (10.0.0.1:443).
        var colon = host.LastIndexOf(':');
        return IPAddress.TryParse(host, out _) || (colon > 0 && IPAddress.TryParse(host[..colon], out _));
    }

    private static bool IsDnsName(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    // The authority as written (URI parsing drops a default port): "https://kes:443" names its port, "https://kes" does not.
    private static bool HasExplicitPort(string endpoint)
    {
        var start = endpoint.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = endpoint.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? endpoint[start..] : endpoint[start..end];
        var colon = authority.LastIndexOf(':');
        return colon > authority.LastIndexOf(']');
    }

    private readonly record struct Backend(KeyStoreConfig? KeyStore, string? Upstream, ImmutableArray<string>? Native);
}

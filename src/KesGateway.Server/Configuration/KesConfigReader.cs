using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KesGateway.Core.Policy;
using KesGateway.Core.Protocol;
using KesGateway.Server.Endpoints;
using YamlDotNet.RepresentationModel;

namespace KesGateway.Server.Configuration;

/// <summary>Turns the YAML tree of a KES <c>config.yml</c> into a validated <see cref="ServerConfig"/> (kes-compat §9).</summary>
/// <remarks>Sections are checked in KES's order so that a file with several problems reports the one KES would.</remarks>
internal sealed partial class KesConfigReader
{
    private const string IdentityHelp =
        "Use the identity of a certificate or API key (kesgw identity of <cert|api-key>): 1-80 characters of A-Z a-z 0-9 _ -";

    private static readonly (string Name, int Level)[] LogLevels = [("DEBUG", -4), ("INFO", 0), ("WARN", 4), ("ERROR", 8)];

    private readonly ConfigSource _source;

    /// <summary>Creates a reader for one load.</summary>
    public KesConfigReader(ConfigSource source) => _source = source;

    /// <summary>Reads and validates the document's root node (<see langword="null"/> for an empty file).</summary>
    public ServerConfig Read(YamlNode? rootNode)
    {
        var root = new ConfigNode(_source, rootNode, string.Empty, 0);
        if (root.IsNull)
        {
            throw _source.Error(
                string.Empty,
                0,
                "the file is empty",
                "A KES config needs at least admin.identity, tls.key, tls.cert and a keystore section");
        }

        if (rootNode is not YamlMappingNode)
        {
            throw _source.Error(string.Empty, (int)rootNode!.Start.Line, "expected 'key: value' lines at the top level", "Start the file with e.g. 'admin:' and 'tls:' sections");
        }

        ReadVersion(root["version"]);
        var address = ReadAddress(root["address"]);
        var admin = ReadAdmin(root);
        var tls = ReadTls(root["tls"], admin);
        var policies = ReadPolicies(root["policy"], admin, tls.ProxyIdentities);
        var cache = ReadCache(root["cache"]);
        var api = ReadApi(root["api"]);
        var log = new LogConfig { Error = ReadLogLevel(root["log"]["error"]), Audit = ReadLogLevel(root["log"]["audit"]) };
        var keys = ReadKeys(root["keys"]);

        // A plain KES file has none of the gateway sections, so up to here it reads exactly as KES reads it.
        var upstreams = ReadUpstreams(root["upstreams"]);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var backend = ReadBackend(root, keys, upstreams, used);
        var limits = ReadLimits(root["limits"], policies);
        var (unknownHosts, watch) = ReadGateway(root["gateway"]);
        var redis = ReadRedis(root["gateway"]["redis"]);
        var snapshots = new Dictionary<string, (string Tenant, int Line)>(StringComparer.Ordinal);
        CheckSnapshotPath(TenantConfig.DefaultName, root["cache"]["snapshot"]["path"], cache, snapshots);
        var tenants = ReadTenants(root["tenants"], upstreams, used, snapshots);
        WarnUnusedUpstreams(upstreams, used, root["upstreams"]);
        WarnUnusedRedis(redis, root["gateway"]["redis"], limits, tenants);
        if (unknownHosts == UnknownHostPolicy.Refuse && tenants.IsEmpty)
        {
            var node = root["gateway"]["unknown_hosts"];
            _source.Warn(node.Field, node.Line, "there are no tenants, so every TLS connection that sends a server name is refused; only connections to an IP address are served");
        }

        return new ServerConfig
        {
            Address = address,
            Admin = admin,
            Tls = tls,
            Policies = policies,
            Cache = cache,
            Api = api,
            Log = log,
            Keys = keys,
            KeyStore = backend.KeyStore,
            Limits = limits,
            Redis = redis,
            Upstream = backend.Upstream,
            Native = backend.Native,
            Tenants = tenants,
            Upstreams = upstreams,
            UnknownHosts = unknownHosts,
            Watch = watch,
            Warnings = [.. _source.Warnings],
        };
    }

    private void ReadVersion(ConfigNode node)
    {
        // KES reads the version before anything else and never substitutes ${VAR} in it.
        var version = node.Literal();
        if (!string.IsNullOrEmpty(version) && version != "v1")
        {
            throw _source.Error(node.Field, node.Line, $"invalid server config version '{version}'", "Write 'version: v1' (the only version) or remove the line");
        }
    }

    private string ReadAddress(ConfigNode node)
    {
        var address = node.Text();
        if (string.IsNullOrEmpty(address))
        {
            return "0.0.0.0:7373";
        }

        if (!IsValidAddress(address))
        {
            throw _source.Error(
                node.Field,
                node.Line,
                $"invalid address '{address}'",
                "Write IP:port or :port, e.g. 0.0.0.0:7373, 127.0.0.1:7373, [::1]:7373 or :7373 (host names are not allowed)");
        }

        return address;
    }

    private string ReadAdmin(ConfigNode root)
    {
        var identityNode = root["admin"]["identity"];
        var rootNode = root["root"];
        if (!rootNode.IsNull)
        {
            if (!identityNode.IsNull)
            {
                throw _source.Error(
                    rootNode.Field,
                    rootNode.Line,
                    $"both 'root' and 'admin.identity' (line {identityNode.Line}) name the admin",
                    "Remove 'root:'; it is the name admin.identity had before KES v0.18");
            }

            var rootIdentity = RequireAdmin(rootNode, identityNode.Field);
            _source.Warn(
                rootNode.Field,
                rootNode.Line,
                "'root' is deprecated (renamed 'admin.identity' in KES v0.18; current KES refuses to start without admin.identity). "
                + "Write 'admin:' with 'identity: ...' instead");
            return rootIdentity;
        }

        return RequireAdmin(identityNode, identityNode.Field);
    }

    // adminField is where the identity belongs (admin.identity, or tenants.<name>.admin.identity), even when read from 'root'.
    private string RequireAdmin(ConfigNode node, string adminField)
    {
        var identity = node.Text();
        if (string.IsNullOrEmpty(identity))
        {
            throw _source.Error(
                node.Field,
                node.Line,
                "no admin identity",
                $"Set {adminField} to the identity of the admin's certificate or API key (kesgw identity of <cert|api-key>), "
                + "or to 'disabled' to run without an admin (any value that is not a computed identity disables it)");
        }

        return identity;
    }

    private TlsConfig ReadTls(ConfigNode tls, string admin)
    {
        var key = tls["key"];
        var keyPath = key.Text();
        if (string.IsNullOrEmpty(keyPath))
        {
            throw _source.Error(key.Field, key.Line, "no private key", $"Set {key.Field} to the server's PEM private key file, e.g. ./server.key");
        }

        var cert = tls["cert"];
        var certPath = cert.Text();
        if (string.IsNullOrEmpty(certPath))
        {
            throw _source.Error(cert.Field, cert.Line, "no certificate", $"Set {cert.Field} to the server's PEM certificate file, e.g. ./server.cert");
        }

        var authNode = tls["auth"];
        var auth = authNode.Text() ?? string.Empty;
        var verify = auth.ToUpperInvariant() switch
        {
            "" or "OFF" => false,
            "ON" => true,
            _ => throw _source.Error(
                authNode.Field,
                authNode.Line,
                $"invalid auth '{auth}'",
                "Use 'on' (verify client certificates against tls.ca and the system roots), 'off' or leave it empty (the default, off)"),
        };

        var proxies = ImmutableArray.CreateBuilder<string>();
        var proxyNode = tls["proxy"];
        foreach (var item in proxyNode["identities"].Items())
        {
            var identity = item.Text() ?? string.Empty;
            if (identity == admin)
            {
                throw _source.Error(item.Field, item.Line, $"invalid tls proxy: identity '{identity}' is already admin", "A TLS proxy cannot be the admin; remove it from one of the two");
            }

            proxies.Add(identity);
        }

        if (proxies.Count > 0)
        {
            _source.Warn(
                proxyNode["identities"].Field,
                proxyNode["identities"].Line,
                "TLS proxies are parsed and checked but ignored, as in current KES: a request through a proxy is identified by the proxy's own certificate");
        }

        var ca = tls["ca"].Text();
        return new TlsConfig
        {
            KeyPath = _source.ResolvePath(keyPath),
            CertificatePath = _source.ResolvePath(certPath),
            Password = NullIfEmpty(tls["password"].Text()),
            VerifyClientCertificates = verify,
            CaPath = string.IsNullOrEmpty(ca) ? null : _source.ResolvePath(ca),
            ProxyIdentities = proxies.ToImmutable(),
            ProxyCertificateHeader = NullIfEmpty(proxyNode["header"]["cert"].Text()),
        };
    }

    private ImmutableArray<PolicyConfig> ReadPolicies(ConfigNode section, string admin, ImmutableArray<string> proxies)
    {
        var policies = ImmutableArray.CreateBuilder<PolicyConfig>();
        var owners = new Dictionary<string, (string Policy, int Line)>(StringComparer.Ordinal);
        foreach (var (name, body) in section.Entries())
        {
            if (!KesNames.IsValidName(name))
            {
                throw _source.Error(
                    body.Field,
                    body.Line,
                    $"invalid policy name '{name}'",
                    "Use 1-80 characters of A-Z a-z 0-9 _ - (not starting or ending with '-', and not '_' alone)");
            }

            var allow = ReadPatterns(body["allow"]);
            var deny = ReadPatterns(body["deny"]);
            var identities = ImmutableArray.CreateBuilder<string>();
            foreach (var item in body["identities"].Items())
            {
                var identity = item.Text() ?? string.Empty;
                if (!KesNames.IsValidName(identity))
                {
                    throw _source.Error(item.Field, item.Line, $"invalid identity '{identity}'", IdentityHelp);
                }

                if (identity == admin)
                {
                    throw _source.Error(
                        item.Field,
                        item.Line,
                        $"invalid policy '{name}': identity '{identity}' is already admin",
                        "The admin may do everything and needs no policy; remove the identity from the policy or change admin.identity");
                }

                if (proxies.Contains(identity))
                {
                    throw _source.Error(
                        item.Field,
                        item.Line,
                        $"invalid policy '{name}': identity '{identity}' is already a TLS proxy",
                        "Remove the identity from the policy or from tls.proxy.identities");
                }

                if (owners.TryGetValue(identity, out var owner))
                {
                    throw _source.Error(
                        item.Field,
                        item.Line,
                        $"cannot assign policy '{name}' to '{identity}': identity already has a policy ('{owner.Policy}', line {owner.Line})",
                        "An identity can be in only one policy; merge the rules into one policy or remove one of the entries");
                }

                owners.Add(identity, (name, item.Line));
                identities.Add(identity);
            }

            policies.Add(new PolicyConfig(name, allow, deny, identities.ToImmutable()));
        }

        return policies.ToImmutable();
    }

    private ImmutableArray<string> ReadPatterns(ConfigNode list)
    {
        var patterns = ImmutableArray.CreateBuilder<string>();
        foreach (var item in list.Items())
        {
            // Policy patterns are taken as written: KES never substitutes ${VAR} in them.
            var pattern = item.Literal() ?? string.Empty;
            if (PathPattern.LooksLikeGlob(pattern))
            {
                _source.Warn(
                    item.Field,
                    item.Line,
                    $"pattern '{pattern}' looks like a glob; current KES treats '*' as a prefix only at the end (and '?', '[' and other '*' literally), "
                    + "so it matches only that literal path. Older KES (v0.22 and before) matched globs per path segment");
            }
            else if (pattern.TrimStart().StartsWith("${", StringComparison.Ordinal))
            {
                _source.Warn(item.Field, item.Line, $"pattern '{pattern}' is taken literally; ${{VAR}} is not substituted in policy patterns");
            }

            patterns.Add(pattern);
        }

        return patterns.ToImmutable();
    }

    private CacheConfig ReadCache(ConfigNode cache)
    {
        var defaults = new CacheConfig();
        var expiry = cache["expiry"];

        // A zero duration means "not set" in KES, so it gets the documented default (not kes server's buggy one).
        var any = ReadNonNegative(expiry["any"], "invalid cache expiry");
        var unused = ReadNonNegative(expiry["unused"], "invalid cache unused expiry");
        var offline = ReadNonNegative(expiry["offline"], "invalid offline cache expiry");
        return new CacheConfig
        {
            Any = any is { } a && a > TimeSpan.Zero ? a : defaults.Any,
            Unused = unused is { } u && u > TimeSpan.Zero ? u : defaults.Unused,
            Offline = offline ?? defaults.Offline,
            Snapshot = ReadSnapshot(cache["snapshot"], expiry["offline"], offline ?? defaults.Offline),
        };
    }

    private TimeSpan? ReadNonNegative(ConfigNode node, string what)
    {
        var value = node.Duration();
        if (value < TimeSpan.Zero)
        {
            throw _source.Error(node.Field, node.Line, $"{what} '{node.Text()}'", "Use a duration of 0s or more");
        }

        return value;
    }

    private ImmutableDictionary<string, ApiRouteConfig> ReadApi(ConfigNode section)
    {
        var known = KesApi.DefaultRoutes.Select(r => r.Path).ToArray();
        var api = ImmutableDictionary.CreateBuilder<string, ApiRouteConfig>(StringComparer.Ordinal);
        foreach (var (path, body) in section.Entries())
        {
            var timeoutNode = body["timeout"];
            var timeout = timeoutNode.Duration();
            if (timeout < TimeSpan.Zero)
            {
                throw _source.Error(timeoutNode.Field, timeoutNode.Line, $"invalid timeout '{timeoutNode.Text()}' for API '{path}'", "Use a duration of 0s or more");
            }

            var skipAuth = body["skip_auth"].Boolean() ?? false;
            if (!known.Contains(path, StringComparer.Ordinal))
            {
                var closest = known.MinBy(k => EditDistance(k, path))!;
                _source.Warn(
                    body.Field,
                    body.Line,
                    $"'{path}' is not a route path, so KES ignores this override; did you mean '{closest}'? "
                    + "Paths must be written exactly as /v1/api lists them, including a trailing '/'");
            }

            api[path] = new ApiRouteConfig(skipAuth, timeout);
        }

        return api.ToImmutable();
    }

    private int ReadLogLevel(ConfigNode node)
    {
        var text = node.Text();
        if (TryParseLogLevel(text ?? string.Empty, out var level))
        {
            return level;
        }

        throw _source.Error(
            node.Field,
            node.Line,
            $"invalid log level '{text}'",
            "Use on, off, DEBUG, INFO, WARN, ERROR, a level plus an offset (e.g. ERROR+1), or an slog number (DEBUG -4, INFO 0, WARN 4, ERROR 8)");
    }

    private ImmutableArray<string> ReadKeys(ConfigNode section)
    {
        if (section.Node is YamlMappingNode)
        {
            throw _source.Error(
                section.Field,
                section.Line,
                "'keys:' is a section here, the layout of KES before v0.17 where it held the key store",
                "Rename 'keys:' to 'keystore:' (KES v0.17 and later); 'keys:' now lists keys to create, e.g. 'keys: [{name: my-key}]'");
        }

        var keys = ImmutableArray.CreateBuilder<string>();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in section.Items())
        {
            if (item.Node is not YamlMappingNode)
            {
                throw _source.Error(item.Field, item.Line, "expected '- name: <key-name>'", "Write each key to create as '- name: my-key'");
            }

            var nameNode = item["name"];
            var name = nameNode.Text();
            if (string.IsNullOrEmpty(name))
            {
                throw _source.Error(nameNode.Field, nameNode.Line, "no key name", "Write each key to create as '- name: my-key'");
            }

            if (lines.TryGetValue(name, out var first))
            {
                throw _source.Error(nameNode.Field, nameNode.Line, $"invalid key config: key '{name}' is defined multiple times (first at line {first})", "Remove the repeated entry");
            }

            lines.Add(name, nameNode.Line);
            keys.Add(name);
        }

        return keys.ToImmutable();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool IsValidAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !ushort.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        var host = address[..colon];
        if (host.Length == 0)
        {
            return true;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            return IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        // IPAddress.TryParse also takes shorthands like "1" or "127.1"; Go accepts only the dotted quad.
        return host.Count(c => c == '.') == 3
            && host.All(c => c == '.' || char.IsAsciiDigit(c))
            && IPAddress.TryParse(host, out var v4)
            && v4.AddressFamily == AddressFamily.InterNetwork;
    }

    // KES's log levels: on = INFO, off = ERROR+1, DEBUG/INFO/WARN/ERROR with an optional +N, or a bare slog number.
    private static bool TryParseLogLevel(string text, out int level)
    {
        level = 0;
        var s = text.Trim().ToUpperInvariant();
        switch (s)
        {
            case "" or "ON":
                return true;
            case "OFF":
                level = LogConfig.Off;
                return true;
        }

        foreach (var (name, value) in LogLevels)
        {
            if (!s.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }

            if (s.Length == name.Length)
            {
                level = value;
                return true;
            }

            var plus = s.IndexOf('+', StringComparison.Ordinal);
            if (plus < 0 || s[..plus].Trim() != name
                || !int.TryParse(s.AsSpan(plus + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset))
            {
                return false;
            }

            level = value + offset;
            return true;
        }

        return int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out level);
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

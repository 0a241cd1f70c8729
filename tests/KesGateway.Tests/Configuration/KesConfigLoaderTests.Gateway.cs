using System.Security.Cryptography;
using System.Text;
using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Tests.Cli;

namespace KesGateway.Tests.Configuration;

// The gateway extensions: upstream, native, gateway, upstreams and tenants (the top level is the default tenant).
public partial class KesConfigLoaderTests
{
    // Lines 8-10 after Minimal; an upstream snippet's body starts at line 10.
    private const string MainUpstream = "upstreams:\n  kes-main:\n    endpoints: [https://10.0.0.1:7373]\n";

    // Minimal without its keystore (lines 1-5), forwarding to kes-main (line 6, upstreams 7-9); tests append from line 10.
    private const string Forwarding = """
        admin:
          identity: disabled
        tls:
          key: ./server.key
          cert: ./server.cert
        upstream: kes-main
        upstreams:
          kes-main:
            endpoints: [https://10.0.0.1:7373]

        """;

    // A complete tenant: lines 13-16 of WithTenant.
    private const string AcmeBase = """
            hosts: [kms.acme.example]
            admin: {identity: disabled}
            tls: {key: acme.key, cert: acme.crt}
            keystore: {fs: {path: ./acme-keys}}

        """;

    private const string AcmeForwarding = """
            hosts: [kms.acme.example]
            admin: {identity: disabled}
            tls: {key: acme.key, cert: acme.crt}
            upstream: kes-main

        """;

    private const string FullGateway = """
        admin:
          identity: ${ADMIN}
        tls:
          key: server.key
          cert: server.crt
        keystore:
          vault:
            endpoint: https://vault:8200
            prefix: default
            approle: {id: role, secret: "${VAULT_SECRET}"}
        upstream: kes-main
        native: [/v1/key/generate/, /v1/key/decrypt/, /v1/key/generate/]
        gateway:
          unknown_hosts: Refuse
          watch: false
        upstreams:
          kes-main:
            endpoints:
              - https://10.0.0.1:7373
              - https://KES-2.internal:7373/
            timeout: 45s
            tls:
              cert: certs/gateway.crt
              key: certs/gateway.key
              password: ${GW_KEY_PASSWORD}
              ca: /etc/ssl/kes-ca.pem
              server_name: kes.internal
            health:
              active: false
              path: /v1/status
              interval: 1m30s
              timeout: 2s
              passive: off
              reactivation: 2m
          kes-acme:
            endpoints: ["${ACME_KES}"]
        tenants:
          acme:
            hosts: [KMS.Acme.Example, "*.acme.internal"]
            admin: {identity: disabled}
            tls: {key: acme/server.key, cert: acme/server.crt, auth: on, ca: acme/ca.pem}
            policy:
              minio:
                allow: [/v1/key/generate/*]
                identities: ["${ACME_MINIO}"]
            cache: {expiry: {any: 1m, offline: 1h}}
            api: {/v1/status: {skip_auth: true}}
            keys: [{name: acme-key}]
            keystore: {fs: {path: acme/keys}}
            upstream: kes-acme
          beta:
            hosts: [kms.beta.example]
            admin:
              identity: ${BETA_ADMIN}
            tls: {key: beta.key, cert: beta.crt}
            upstream: ${BETA_UPSTREAM}
        """;

    private static readonly (string Name, string Value)[] FullGatewayEnvironment =
    [
        ("ADMIN", Identity), ("VAULT_SECRET", "s3cr3t-value"), ("GW_KEY_PASSWORD", "hunter2-secret"), ("ACME_KES", "https://kes.acme.internal:7373"),
        ("ACME_MINIO", Other), ("BETA_ADMIN", Other), ("BETA_UPSTREAM", "kes-main"),
    ];

    private static readonly string[] AllRoutes = [.. KesApi.DefaultRoutes.Select(r => r.Path)];

    [Fact]
    public void Parse_FullGateway_YieldsTenantsUpstreamsAndGatewaySettings()
    {
        var baseDirectory = Path.Combine(Path.GetTempPath(), "kesgw");

        var config = KesConfigLoader.Parse(FullGateway, Source, Lookup(FullGatewayEnvironment), baseDirectory);

        Assert.Empty(config.Warnings);
        Assert.Equal(UnknownHostPolicy.Refuse, config.UnknownHosts);
        Assert.False(config.Watch);
        Assert.Equal("kes-main", config.Upstream);
        Assert.Equal(["/v1/key/generate/", "/v1/key/decrypt/"], config.Native!.Value);
        Assert.Equal("default", Assert.IsType<VaultKeyStoreConfig>(config.KeyStore).Prefix);

        Assert.Equal(["kes-main", "kes-acme"], config.Upstreams.Select(u => u.Name));
        var main = config.Upstreams[0];
        Assert.Equal([new Uri("https://10.0.0.1:7373"), new Uri("https://kes-2.internal:7373")], main.Endpoints);
        Assert.Equal(TimeSpan.FromSeconds(45), main.Timeout);
        Assert.Equal(
            new UpstreamTlsConfig
            {
                CertificatePath = Path.Combine(baseDirectory, "certs", "gateway.crt"),
                KeyPath = Path.Combine(baseDirectory, "certs", "gateway.key"),
                Password = "hunter2-secret",
                CaPath = "/etc/ssl/kes-ca.pem",
                ServerName = "kes.internal",
            },
            main.Tls);
        Assert.Equal(
            new HealthCheckConfig
            {
                Active = false,
                Path = "/v1/status",
                Interval = TimeSpan.FromSeconds(90),
                Timeout = TimeSpan.FromSeconds(2),
                Passive = false,
                Reactivation = TimeSpan.FromMinutes(2),
            },
            main.Health);
        Assert.DoesNotContain("hunter2-secret", main.ToString(), StringComparison.Ordinal);
        var acmeUpstream = config.Upstreams[1];
        Assert.Equal([new Uri("https://kes.acme.internal:7373")], acmeUpstream.Endpoints);
        Assert.Equal(new UpstreamTlsConfig(), acmeUpstream.Tls);
        Assert.Equal(new HealthCheckConfig(), acmeUpstream.Health);
        Assert.Equal(TimeSpan.FromSeconds(30), acmeUpstream.Timeout);

        Assert.Equal(["acme", "beta"], config.Tenants.Select(t => t.Name));
        var acme = config.Tenants[0];
        Assert.Equal(["kms.acme.example", "*.acme.internal"], acme.Hosts);
        Assert.Equal("disabled", acme.Admin);
        Assert.Equal(Path.Combine(baseDirectory, "acme", "server.key"), acme.Tls.KeyPath);
        Assert.Equal(Path.Combine(baseDirectory, "acme", "server.crt"), acme.Tls.CertificatePath);
        Assert.Equal(Path.Combine(baseDirectory, "acme", "ca.pem"), acme.Tls.CaPath);
        Assert.True(acme.Tls.VerifyClientCertificates);
        var policy = Assert.Single(acme.Policies);
        Assert.Equal(("minio", Other), (policy.Name, Assert.Single(policy.Identities)));
        Assert.Equal(new CacheConfig { Any = TimeSpan.FromMinutes(1), Offline = TimeSpan.FromHours(1) }, acme.Cache);
        Assert.Equal(new ApiRouteConfig(true, null), acme.Api["/v1/status"]);
        Assert.Equal(["acme-key"], acme.Keys);
        Assert.Equal(new FsKeyStoreConfig(Path.Combine(baseDirectory, "acme", "keys")), acme.KeyStore);
        Assert.Equal("kes-acme", acme.Upstream);
        Assert.Null(acme.Native);

        var beta = config.Tenants[1];
        Assert.Equal(["kms.beta.example"], beta.Hosts);
        Assert.Equal(Other, beta.Admin);
        Assert.Null(beta.KeyStore);
        Assert.Empty(beta.Keys);
        Assert.Equal("kes-main", beta.Upstream);

        Assert.Equal(["default", "acme", "beta"], config.AllTenants.Select(t => t.Name));
        Assert.Empty(config.DefaultTenant.Hosts);
    }

    [Fact]
    public void Parse_PlainKesConfig_IsTheDefaultTenantAlone()
    {
        var config = Parse(Minimal);

        AssertPlainKes(config);
        Assert.Equal(new FsKeyStoreConfig("./keys"), config.DefaultTenant.KeyStore);
    }

    public static TheoryData<string> LoadingVectors() => new(VectorOutcomes().Where(row => row.Data.Item2 is null).Select(row => row.Data.Item1));

    [Theory]
    [MemberData(nameof(LoadingVectors))]
    public void Load_LoadingConfigVector_IsTheDefaultTenantAlone(string file)
    {
        using var dir = new TempDirectory();

        var config = KesConfigLoader.Load(CopyVector(dir, file), _ => null);

        AssertPlainKes(config);
    }

    [Fact]
    public void Parse_TutorialStep3Filled_IsTheDefaultTenantAlone()
    {
        var yaml = TutorialConfigs.Step3
            .Replace("identity: \"\"", $"identity: \"{TutorialIdentity}\"", StringComparison.Ordinal)
            .Replace("id:     \"\"", $"id:     \"{RoleId}\"", StringComparison.Ordinal)
            .Replace("secret: \"\"", $"secret: \"{SecretId}\"", StringComparison.Ordinal);

        AssertPlainKes(Parse(yaml));
    }

    [Fact]
    public void Parse_UpstreamWithoutKeyStore_ForwardsEverything()
    {
        var config = Parse(Forwarding);

        Assert.Null(config.KeyStore);
        Assert.Equal("kes-main", config.Upstream);
        Assert.Empty(config.Warnings);
        Assert.Equal(RouteSplit.AlwaysNative.Order(StringComparer.Ordinal), AllRoutes.Where(route => RouteSplit.IsNative(config.DefaultTenant, route)).Order(StringComparer.Ordinal));
    }

    // RouteSplit over parsed configs: which routes each kind of tenant serves itself.
    public static TheoryData<string, string[]> NativeRoutes() => new()
    {
        { Minimal, AllRoutes },
        { Minimal + "upstream: kes-main\n" + MainUpstream, [.. RouteSplit.DefaultNative, .. RouteSplit.AlwaysNative] },
        { Forwarding, [.. RouteSplit.AlwaysNative] },
        { Minimal + "upstream: kes-main\nnative: [/v1/key/create/, /v1/status]\n" + MainUpstream, ["/v1/key/create/", "/v1/status", .. RouteSplit.AlwaysNative] },
        { Minimal + "upstream: kes-main\nnative: []\n" + MainUpstream, [.. RouteSplit.AlwaysNative] },
    };

    [Theory]
    [MemberData(nameof(NativeRoutes))]
    public void RouteSplit_ParsedTenant_ServesTheExpectedRoutesNatively(string yaml, string[] expected)
    {
        var tenant = Parse(yaml).DefaultTenant;

        var native = AllRoutes.Where(route => RouteSplit.IsNative(tenant, route));

        Assert.Equal(expected.Order(StringComparer.Ordinal), native.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RouteSplit_NamedTenants_FollowTheirOwnBackends()
    {
        var config = Parse(WithTenant(AcmeBase + "    upstream: kes-main\n    native: [/v1/key/list/]\n  beta:\n" + AcmeForwarding.Replace("acme", "beta", StringComparison.Ordinal)));

        Assert.True(RouteSplit.IsNative(config.DefaultTenant, "/v1/key/create/"));
        Assert.True(RouteSplit.IsNative(config.Tenants[0], "/v1/key/list/"));
        Assert.False(RouteSplit.IsNative(config.Tenants[0], "/v1/key/generate/"));
        Assert.False(RouteSplit.IsNative(config.Tenants[1], "/v1/key/generate/"));
    }

    [Theory]
    [InlineData("", UnknownHostPolicy.Default)]
    [InlineData("gateway:\n  unknown_hosts: default\n", UnknownHostPolicy.Default)]
    [InlineData("gateway:\n  unknown_hosts: DEFAULT\n", UnknownHostPolicy.Default)]
    [InlineData("gateway:\n  unknown_hosts: refuse\n", UnknownHostPolicy.Refuse)]
    [InlineData("gateway:\n  unknown_hosts: ' Refuse '\n", UnknownHostPolicy.Refuse)]
    [InlineData("gateway:\n  unknown_hosts: ${POLICY}\n", UnknownHostPolicy.Refuse)]
    public void Parse_UnknownHosts_CaseInsensitive(string section, UnknownHostPolicy expected)
    {
        var config = Parse(WithTenant(AcmeBase) + section, ("POLICY", "REFUSE"));

        Assert.Equal(expected, config.UnknownHosts);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("gateway:\n  watch: false\n", false)]
    [InlineData("gateway:\n  watch: off\n", false)]
    [InlineData("gateway:\n  watch: yes\n", true)]
    public void Parse_Watch_DefaultsToOn(string section, bool expected)
    {
        Assert.Equal(expected, Parse(Minimal + section).Watch);
    }

    [Fact]
    public void Parse_WildcardAndMixedCaseHosts_AreKeptLowerCase()
    {
        var config = Parse(WithTenant(AcmeBase.Replace("[kms.acme.example]", "[\"*.KMS.Acme.Internal\", Kms.Acme.Example, localhost, 'xn--bcher-kva.example']", StringComparison.Ordinal)));

        Assert.Equal(["*.kms.acme.internal", "kms.acme.example", "localhost", "xn--bcher-kva.example"], config.Tenants[0].Hosts);
    }

    [Fact]
    public void Parse_VariablesAndRelativePaths_InTenantAndUpstreamSections()
    {
        var yaml = Minimal + """
            upstreams:
              kes-main:
                endpoints: ["${KES_1}", https://kes-2:7373]
                tls:
                  cert: ${GW_CERT}
                  key: ../gw/gateway.key
                  password: ${GW_PASSWORD}
                  ca: ${KES_CA}
                  server_name: ${KES_NAME}
                health: {interval: "${PROBE_EVERY}", timeout: 1s}
            tenants:
              acme:
                hosts: ["${ACME_HOST}"]
                admin: {identity: "${ACME_ADMIN}"}
                tls: {key: "${ACME_KEY}", cert: acme.crt}
                keystore: {fs: {path: "${ACME_KEYS}"}}
                upstream: ${ACME_UPSTREAM}
                native: ["${NATIVE_ROUTE}"]
            """;
        var baseDirectory = Path.Combine(Path.GetTempPath(), "kesgw", "conf");

        var config = KesConfigLoader.Parse(
            yaml,
            Source,
            Lookup(
            [
                ("KES_1", "https://kes-1:7373"), ("GW_CERT", "gw/gateway.crt"), ("GW_PASSWORD", "pw"), ("KES_CA", "/etc/kes/ca.pem"),
                ("KES_NAME", "kes.internal"), ("PROBE_EVERY", "3s"), ("ACME_HOST", "KMS.acme.example"), ("ACME_ADMIN", Identity),
                ("ACME_KEY", "acme/acme.key"), ("ACME_KEYS", "/var/lib/kesgw/acme"), ("ACME_UPSTREAM", "kes-main"), ("NATIVE_ROUTE", "/v1/key/hmac/"),
            ]),
            baseDirectory);

        var upstream = Assert.Single(config.Upstreams);
        Assert.Equal([new Uri("https://kes-1:7373"), new Uri("https://kes-2:7373")], upstream.Endpoints);
        Assert.Equal(Path.Combine(baseDirectory, "gw", "gateway.crt"), upstream.Tls.CertificatePath);
        Assert.Equal(Path.GetFullPath(Path.Combine(baseDirectory, "..", "gw", "gateway.key")), upstream.Tls.KeyPath);
        Assert.Equal("pw", upstream.Tls.Password);
        Assert.Equal("/etc/kes/ca.pem", upstream.Tls.CaPath);
        Assert.Equal("kes.internal", upstream.Tls.ServerName);
        Assert.Equal(TimeSpan.FromSeconds(3), upstream.Health.Interval);
        var acme = Assert.Single(config.Tenants);
        Assert.Equal(["kms.acme.example"], acme.Hosts);
        Assert.Equal(Identity, acme.Admin);
        Assert.Equal(Path.Combine(baseDirectory, "acme", "acme.key"), acme.Tls.KeyPath);
        Assert.Equal(Path.Combine(baseDirectory, "acme.crt"), acme.Tls.CertificatePath);
        Assert.Equal(new FsKeyStoreConfig("/var/lib/kesgw/acme"), acme.KeyStore);
        Assert.Equal("kes-main", acme.Upstream);
        Assert.Equal(["/v1/key/hmac/"], acme.Native!.Value);
    }

    [Fact]
    public void Parse_UnsetVariableInTenant_NamesTheTenantField()
    {
        AssertFails(WithTenant(AcmeBase.Replace("path: ./acme-keys", "path: \"${ACME_KEYS}\"", StringComparison.Ordinal)), "tenants.acme.keystore.fs.path", 16, "referenced env. variable 'ACME_KEYS' in line '16' not found");
    }

    // Warnings: the load succeeds, and the notice names the field and line.
    public static TheoryData<string, string> GatewayWarnings() => new()
    {
        { "upstream: kes-main\n" + MainUpstream.Replace("[https://10.0.0.1:7373]", "[https://kes.internal]", StringComparison.Ordinal), "config.yml:11: upstreams.kes-main.endpoints[0]: endpoint 'https://kes.internal' has no port, so 443 is used" },
        { "upstream: kes-main\n" + MainUpstream + "    tls: {skip_verify: true}\n", "config.yml:12: upstreams.kes-main.tls.skip_verify: upstream certificates are not verified" },
        { "upstream: kes-main\n" + MainUpstream + "    health: {path: /v1/metrics}\n", "config.yml:12: upstreams.kes-main.health.path: '/v1/metrics' is neither /v1/ready nor /v1/status" },
        { MainUpstream, "config.yml:9: upstreams.kes-main: no tenant uses upstream 'kes-main'; name it in a tenant's 'upstream:' or remove it" },
        { "native: [/v1/key/generate/]\n", "config.yml:8: native: has no effect without 'upstream:'" },
        { "gateway: {unknown_hosts: refuse}\n", "config.yml:8: gateway.unknown_hosts: there are no tenants, so every TLS connection that sends a server name is refused" },
        { "tenants:\n  acme:\n" + AcmeBase + "    log: {error: off}\n", "config.yml:14: tenants.acme.log: 'log' applies to the whole server and is ignored inside a tenant" },
    };

    [Theory]
    [MemberData(nameof(GatewayWarnings))]
    public void Parse_GatewayNotice_IsAWarning(string section, string warning)
    {
        var config = Parse(Minimal + section);

        Assert.Contains(config.Warnings, w => w.StartsWith(warning, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UpstreamUsedOnlyByATenant_IsNotUnused()
    {
        var config = Parse(WithTenant(AcmeForwarding));

        Assert.Empty(config.Warnings);
    }

    // Errors in the default tenant's gateway fields, upstreams and gateway: (snippet after Minimal from line 8, field, line, message).
    public static TheoryData<string, string, int, string> GatewayErrors() => new()
    {
        { "upstream: nope\n", "upstream", 8, "upstream 'nope' is not defined. Define it under 'upstreams:' with its endpoints" },
        { "upstream: nope\n" + MainUpstream, "upstream", 8, "upstream 'nope' is not defined. Name one of the clusters under 'upstreams:': kes-main" },
        { "native: [/v1/key/generate]\n", "native[0]", 8, "'/v1/key/generate' is not a KES route. Did you mean '/v1/key/generate/'? Write route paths exactly as /v1/api lists them" },
        { "native: /v1/key/generate/\n", "native", 8, "expected a list ('- item' lines), found a single value" },
        { "gateway:\n  unknown_hosts: sometimes\n", "gateway.unknown_hosts", 9, "invalid unknown_hosts 'sometimes'. Use 'default' (names no tenant lists are served by the top-level tenant" },
        { "gateway:\n  watch: maybe\n", "gateway.watch", 9, "invalid boolean 'maybe'. Use true or false" },
        { "upstreams:\n  kes.main:\n    endpoints: [https://kes:7373]\n", "upstreams.kes.main", 9, "invalid upstream name 'kes.main'. Use 1-64 characters of A-Z a-z 0-9 _ -" },
        { "upstreams:\n  kes:\n    endpoints: [https://a:7373]\n  KES:\n    endpoints: [https://b:7373]\n", "upstreams.KES", 11, "upstream name 'KES' differs only in case from 'kes' (line 9)" },
        { "upstreams:\n  kes-main:\n    timeout: 5s\n", "upstreams.kes-main.endpoints", 9, "upstream 'kes-main' has no endpoints. List the KES servers of the cluster" },
        { "upstreams:\n  kes-main:\n    endpoints: []\n", "upstreams.kes-main.endpoints", 10, "upstream 'kes-main' has no endpoints" },
        { "upstreams:\n  kes-main:\n    endpoints: [http://10.0.0.1:7373]\n", "upstreams.kes-main.endpoints[0]", 10, "endpoint 'http://10.0.0.1:7373' uses http://. KES serves only TLS (and identifies callers by their certificate); write https://10.0.0.1:7373" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373/v1]\n", "upstreams.kes-main.endpoints[0]", 10, "endpoint 'https://kes:7373/v1' has a path, query or user name. Write only the scheme, host and port, e.g. https://kes:7373" },
        { "upstreams:\n  kes-main:\n    endpoints: [\"https://kes:7373/?x=1\"]\n", "upstreams.kes-main.endpoints[0]", 10, "has a path, query or user name" },
        { "upstreams:\n  kes-main:\n    endpoints: [kes-1:7373]\n", "upstreams.kes-main.endpoints[0]", 10, "invalid endpoint 'kes-1:7373'. Write the KES server's address as https://host:port" },
        { "upstreams:\n  kes-main:\n    endpoints: [\"\"]\n", "upstreams.kes-main.endpoints[0]", 10, "empty endpoint" },
        { "upstreams:\n  kes-main:\n    endpoints:\n      - https://kes:7373\n      - https://KES:7373/\n", "upstreams.kes-main.endpoints[1]", 12, "endpoint 'https://kes:7373/' is listed twice (first at line 11). Remove the repeated entry" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    timeout: 0s\n", "upstreams.kes-main.timeout", 11, "invalid upstream timeout '0s'. Use a duration above 0s" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    timeout: 30\n", "upstreams.kes-main.timeout", 11, "'30' is a plain number, not a duration" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    tls: {cert: gw.crt}\n", "upstreams.kes-main.tls.key", 11, "a client certificate without its private key. Give the PEM private key of upstreams.kes-main.tls.cert in upstreams.kes-main.tls.key, or remove both" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    tls: {key: gw.key}\n", "upstreams.kes-main.tls.cert", 11, "a private key without its client certificate" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    tls: {server_name: \"https://kes\"}\n", "upstreams.kes-main.tls.server_name", 11, "invalid server_name 'https://kes'" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    tls: {skip_verify: sometimes}\n", "upstreams.kes-main.tls.skip_verify", 11, "invalid boolean 'sometimes'" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    health: {path: v1/ready}\n", "upstreams.kes-main.health.path", 11, "invalid health check path 'v1/ready'. Write a path starting with '/'" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    health: {interval: 5s, timeout: 5s}\n", "upstreams.kes-main.health.timeout", 11, "the health check timeout (5s) is not shorter than the interval (5s). A probe must end before the next one starts" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    health:\n      interval: 3s\n", "upstreams.kes-main.health.interval", 12, "the health check timeout (5s) is not shorter than the interval (3s)" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    health: {interval: 0s}\n", "upstreams.kes-main.health.interval", 11, "invalid health check interval '0s'. Use a duration above 0s" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    health: {timeout: -1s}\n", "upstreams.kes-main.health.timeout", 11, "invalid health check timeout '-1s'" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    health: {reactivation: 30}\n", "upstreams.kes-main.health.reactivation", 11, "'30' is a plain number, not a duration" },
        { "upstreams:\n  kes-main:\n    endpoints: [https://kes:7373]\n    health: {active: maybe}\n", "upstreams.kes-main.health.active", 11, "invalid boolean 'maybe'" },
        { "upstreams: [kes-main]\n", "upstreams", 8, "expected a section of 'key: value' lines, found a list" },
    };

    [Theory]
    [MemberData(nameof(GatewayErrors))]
    public void Parse_InvalidGatewaySection_ThrowsNamingFieldLineAndFix(string section, string field, int line, string message)
    {
        AssertFails(Minimal + section, field, line, message);
    }

    [Theory]
    [InlineData("keys: [{name: my-key}]\n", "keys", 10, "keys cannot be created without a keystore. Add a keystore to the top level, or remove 'keys:' and create the keys at the upstream KES 'kes-main'")]
    [InlineData("native: [/v1/key/generate/]\n", "native", 10, "native routes need a keystore, and this tenant has none. Add a keystore next to 'upstream:'")]
    public void Parse_ForwardingOnlyDefaultTenant_RejectsWhatNeedsAKeyStore(string section, string field, int line, string message)
    {
        AssertFails(Forwarding + section, field, line, message);
    }

    [Fact]
    public void Parse_NoKeyStoreAndUpstreamNotSet_KeepsKesMessage()
    {
        AssertFails(Forwarding.Replace("upstream: kes-main\n", string.Empty, StringComparison.Ordinal), "keystore", 0, "no keystore specified. Add a keystore section");
    }

    // Errors inside a tenant (WithTenant: tenants at line 11, acme at 12, its fields from 13).
    public static TheoryData<string, string, int, string> TenantErrors() => new()
    {
        { string.Empty, "tenants.acme", 12, "tenant 'acme' is empty. Give it at least hosts" },
        { "    admin: {identity: disabled}\n", "tenants.acme.hosts", 12, "tenant 'acme' has no hosts. List the DNS names its clients connect to" },
        { "    hosts: []\n", "tenants.acme.hosts", 13, "tenant 'acme' has no hosts" },
        { "    hosts: [kms.acme.example]\n", "tenants.acme.admin.identity", 12, "no admin identity. Set tenants.acme.admin.identity to the identity" },
        { "    hosts: [kms.acme.example]\n    admin: {identity: disabled}\n", "tenants.acme.tls.key", 12, "no private key. Set tenants.acme.tls.key to" },
        { "    hosts: [kms.acme.example]\n    admin: {identity: disabled}\n    tls: {key: a.key}\n", "tenants.acme.tls.cert", 15, "no certificate. Set tenants.acme.tls.cert to" },
        { "    hosts: [kms.acme.example]\n    admin: {identity: disabled}\n    tls: {key: a.key, cert: a.crt, auth: maybe}\n", "tenants.acme.tls.auth", 15, "invalid auth 'maybe'" },
        { AcmeBase + $"    policy: {{app: {{identities: [{Other}, {Other}]}}}}\n", "tenants.acme.policy.app.identities[1]", 17, $"cannot assign policy 'app' to '{Other}': identity already has a policy" },
        { AcmeBase.Replace("identity: disabled", $"identity: {Other}", StringComparison.Ordinal) + $"    policy: {{app: {{identities: [{Other}]}}}}\n", "tenants.acme.policy.app.identities[0]", 17, $"invalid policy 'app': identity '{Other}' is already admin" },
        { AcmeBase + "    cache: {expiry: {any: -1m}}\n", "tenants.acme.cache.expiry.any", 17, "invalid cache expiry '-1m'" },
        { AcmeBase + "    api: {/v1/status: {timeout: -1s}}\n", "tenants.acme.api./v1/status.timeout", 17, "invalid timeout '-1s' for API '/v1/status'" },
        { AcmeBase + "    keys: [{name: k}, {name: k}]\n", "tenants.acme.keys[1].name", 17, "invalid key config: key 'k' is defined multiple times" },
        { AcmeBase.Replace("{fs: {path: ./acme-keys}}", "{fs: {}}", StringComparison.Ordinal), "tenants.acme.keystore.fs.path", 16, "invalid fs keystore: no path specified" },
        { AcmeBase.Replace("{fs: {path: ./acme-keys}}", "{kes: {endpoint: x}}", StringComparison.Ordinal), "tenants.acme.keystore", 16, "no keystore specified. keystore.kes" },
        { AcmeForwarding.Replace("    upstream: kes-main\n", string.Empty, StringComparison.Ordinal), "tenants.acme.keystore", 12, "no keystore specified. Give tenants.acme a keystore section (e.g. 'fs:' with 'path: ./keys', or 'vault:'), an 'upstream:' KES cluster to forward to, or both" },
        { AcmeForwarding + "    keys: [{name: k}]\n", "tenants.acme.keys", 17, "keys cannot be created without a keystore. Add a keystore to tenants.acme, or remove 'keys:' and create the keys at the upstream KES 'kes-main'" },
        { AcmeForwarding + "    native: [/v1/key/generate/]\n", "tenants.acme.native", 17, "native routes need a keystore, and this tenant has none" },
        { AcmeBase + "    upstream: kes-main\n    native: [/v1/key/create]\n", "tenants.acme.native[0]", 18, "'/v1/key/create' is not a KES route. Did you mean '/v1/key/create/'?" },
        { AcmeBase + "    upstream: kes-other\n", "tenants.acme.upstream", 17, "upstream 'kes-other' is not defined. Name one of the clusters under 'upstreams:': kes-main" },
        { AcmeBase + "  ACME:\n    hosts: [b.example]\n", "tenants.ACME", 17, "tenant name 'ACME' differs only in case from 'acme' (line 12). Names appear in logs and metrics; rename one of the two tenants" },
        { AcmeBase + "  beta:\n    hosts: [kms.beta.example, KMS.ACME.example]\n", "tenants.beta.hosts[1]", 18, "host 'kms.acme.example' already belongs to tenant 'acme' (line 13). A host name selects exactly one tenant; remove it from tenant 'acme' or 'beta'" },
        { AcmeBase.Replace("[kms.acme.example]", "[kms.acme.example, KMS.acme.example]", StringComparison.Ordinal), "tenants.acme.hosts[1]", 13, "host 'kms.acme.example' is listed twice (first at line 13). Remove the repeated entry" },
    };

    [Theory]
    [MemberData(nameof(TenantErrors))]
    public void Parse_InvalidTenant_ThrowsNamingTenantFieldLineAndFix(string tenant, string field, int line, string message)
    {
        AssertFails(WithTenant(tenant), field, line, message);
    }

    [Theory]
    [InlineData("acme corp", "invalid tenant name 'acme corp'. Use 1-64 characters of A-Z a-z 0-9 _ -")]
    [InlineData("acme.example", "invalid tenant name 'acme.example'")]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901234", "invalid tenant name")]
    [InlineData("default", "the tenant name 'default' is reserved for the top-level sections. Choose another name, or move these settings to the top level")]
    [InlineData("Default", "the tenant name 'Default' is reserved")]
    public void Parse_BadTenantName_Throws(string name, string message)
    {
        AssertFails(Minimal + $"tenants:\n  '{name}':\n" + AcmeBase, $"tenants.{name}", 9, message);
    }

    [Theory]
    [InlineData("10.0.0.1", "'10.0.0.1' is an IP address. Tenants are chosen by the TLS server name (SNI), which clients send only for DNS names")]
    [InlineData("'[::1]'", "'[::1]' is an IP address")]
    [InlineData("'::1'", "'::1' is an IP address")]
    [InlineData("10.0.0.1:7373", "'10.0.0.1:7373' is an IP address")]
    [InlineData("kms.acme.example:7373", "'kms.acme.example:7373' has a port. Write 'kms.acme.example': the TLS server name (SNI) never carries a port")]
    [InlineData("https://kms.acme.example", "'https://kms.acme.example' is a URL, not a host name. Write a DNS name such as kms.acme.example")]
    [InlineData("'kms.*.example'", "invalid wildcard 'kms.*.example'. A wildcard may only be the whole first label, as in *.acme.internal")]
    [InlineData("'*'", "invalid wildcard '*'")]
    [InlineData("'*kms.example'", "invalid wildcard '*kms.example'")]
    [InlineData("kms_acme.example", "invalid host name 'kms_acme.example'. Write a DNS name")]
    [InlineData("-kms.example", "invalid host name '-kms.example'")]
    [InlineData("kms..example", "invalid host name 'kms..example'")]
    [InlineData("kms.example.", "invalid host name 'kms.example.'")]
    [InlineData("''", "empty host name")]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901234.example", "invalid host name")]
    public void Parse_BadHost_Throws(string host, string message)
    {
        AssertFails(WithTenant(AcmeBase.Replace("[kms.acme.example]", $"[{host}]", StringComparison.Ordinal)), "tenants.acme.hosts[0]", 13, message);
    }

    [Fact]
    public void Parse_SnapshotFileSharedByTwoTenants_Throws()
    {
        var key = Convert.ToBase64String(new byte[32]);
        var cache = "cache: {expiry: {offline: 1h}, snapshot: {path: ./cache.snapshot, key_env: SNAP_KEY}}\n";
        var yaml = Minimal + cache + "tenants:\n  acme:\n" + AcmeBase + "    " + cache;

        AssertFails(yaml, "tenants.acme.cache.snapshot.path", 15, "the snapshot file './cache.snapshot' is already used by tenant 'default' (line 8). Give every tenant its own snapshot file", ("SNAP_KEY", key));
    }

    [Fact]
    public void AppSettings_EveryExample_Loads()
    {
        var directory = Path.Combine(RepositoryRoot(), "appsettings");
        var files = Directory.GetFiles(directory, "*.yml").Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["config.yml", "dev.yml", "gateway.yml"], files.Select(Path.GetFileName));
        foreach (var file in files)
        {
            var config = KesConfigLoader.Load(file, Placeholder);
            Assert.True(config.Warnings.IsEmpty, $"{file}: {string.Join("; ", config.Warnings)}");
        }
    }

    [Fact]
    public void AppSettings_TutorialConfig_IsAPlainKesConfig()
    {
        var config = KesConfigLoader.Load(Path.Combine(RepositoryRoot(), "appsettings", "config.yml"), Placeholder);

        AssertPlainKes(config);
        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.Equal(new VaultAppRoleConfig { Id = Placeholder("VAULT_APPROLE_ID")!, Secret = Placeholder("VAULT_APPROLE_SECRET")! }, vault.AppRole);
    }

    [Fact]
    public void AppSettings_GatewayExample_HasTwoTenantsEachWithItsOwnPrefixAndTwoEndpointUpstream()
    {
        var config = KesConfigLoader.Load(Path.Combine(RepositoryRoot(), "appsettings", "gateway.yml"), Placeholder);

        Assert.Equal(["acme", "beta"], config.Tenants.Select(t => t.Name));
        var prefixes = config.AllTenants.Select(t => Assert.IsType<VaultKeyStoreConfig>(t.KeyStore).Prefix).ToArray();
        Assert.Equal(prefixes.Length, prefixes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(config.AllTenants, t => Assert.Equal(2, config.Upstreams.Single(u => u.Name == t.Upstream).Endpoints.Length));
        Assert.Equal(3, config.AllTenants.Select(t => t.Upstream).Distinct(StringComparer.Ordinal).Count());
    }

    private static string WithTenant(string tenant) => Minimal + MainUpstream + "tenants:\n  acme:\n" + tenant;

    private static void AssertPlainKes(ServerConfig config)
    {
        Assert.Empty(config.Tenants);
        Assert.Empty(config.Upstreams);
        Assert.Null(config.Upstream);
        Assert.Null(config.Native);
        Assert.Equal(UnknownHostPolicy.Default, config.UnknownHosts);
        Assert.True(config.Watch);
        Assert.NotNull(config.KeyStore);

        var tenant = Assert.Single(config.AllTenants);
        Assert.Equal(TenantConfig.DefaultName, tenant.Name);
        Assert.Empty(tenant.Hosts);
        Assert.Equal(config.Admin, tenant.Admin);
        Assert.Equal(config.Tls, tenant.Tls);
        Assert.Equal(config.Policies, tenant.Policies);
        Assert.Equal(config.Cache, tenant.Cache);
        Assert.Equal(config.Api, tenant.Api);
        Assert.Equal(config.Keys, tenant.Keys);
        Assert.Equal(config.KeyStore, tenant.KeyStore);
        Assert.Null(tenant.Upstream);
        Assert.All(AllRoutes, route => Assert.True(RouteSplit.IsNative(tenant, route)));
    }

    // A distinct, identity-shaped value per variable, so policy identities never collide with each other or the admin.
    private static string? Placeholder(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KesGateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no KesGateway.sln above {AppContext.BaseDirectory}");
    }
}

using KesGateway.Server.Configuration;

namespace KesGateway.Tests.Configuration;

public partial class KesConfigLoaderTests
{
    private const string Source = "config.yml";
    private const string Identity = "c84cc9b91ae2399b043da7eca616048d4b4200edf2ff418d8af3835911db945d";
    private const string Other = "df7281ca3fed4ef7d06297eb7cb9d590a4edc863b4425f4762bb2afaebfd3258";

    // Lines 1-7; tests append sections from line 8 on.
    private const string Minimal = """
        admin:
          identity: disabled
        tls:
          key: ./server.key
          cert: ./server.cert
        keystore:
          fs: {path: ./keys}

        """;

    [Fact]
    public void Parse_MinimalFile_AppliesDocumentedDefaults()
    {
        var config = Parse(Minimal);

        Assert.Equal("0.0.0.0:7373", config.Address);
        Assert.Equal("disabled", config.Admin);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Cache.Any);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Cache.Unused);
        Assert.Equal(TimeSpan.Zero, config.Cache.Offline);
        Assert.Equal(0, config.Log.Error);
        Assert.Equal(0, config.Log.Audit);
        Assert.False(config.Tls.VerifyClientCertificates);
        Assert.Null(config.Tls.Password);
        Assert.Empty(config.Policies);
        Assert.Empty(config.Api);
        Assert.Empty(config.Keys);
        Assert.Empty(config.Warnings);
        Assert.Equal(new FsKeyStoreConfig("./keys"), config.KeyStore);
    }

    [Fact]
    public void Parse_RelativePaths_ResolvedAgainstBaseDirectory()
    {
        var yaml = Minimal + "  ignored: 1\n";
        var baseDirectory = Path.Combine(Path.GetTempPath(), "kes");

        var config = KesConfigLoader.Parse(yaml.Replace("./server.cert", "/etc/kes/server.cert", StringComparison.Ordinal), Source, _ => null, baseDirectory);

        Assert.Equal(Path.Combine(baseDirectory, "server.key"), config.Tls.KeyPath);
        Assert.Equal("/etc/kes/server.cert", config.Tls.CertificatePath);
        Assert.Equal(new FsKeyStoreConfig(Path.Combine(baseDirectory, "keys")), config.KeyStore);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "kesgw-no-such-dir", "config.yml");

        var ex = Assert.Throws<ConfigException>(() => KesConfigLoader.Load(path, _ => null));

        Assert.StartsWith($"{path}: cannot read the file: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, ex.Line);
    }

    [Fact]
    public void Load_File_ResolvesPathsAgainstItsDirectory()
    {
        using var dir = new Cli.TempDirectory();
        var path = dir.File("config.yml");
        File.WriteAllText(path, Minimal);

        var config = KesConfigLoader.Load(path, _ => null);

        Assert.Equal(dir.File("server.key"), config.Tls.KeyPath);
        Assert.Equal(new FsKeyStoreConfig(dir.File("keys")), config.KeyStore);
    }

    // ${VAR} substitution (kes-compat §9.1)

    [Theory]
    [InlineData("${ADMIN}")]
    [InlineData("\"${ADMIN}\"")]
    [InlineData("' ${ ADMIN } '")]
    [InlineData("${ADMIN }")]
    public void Parse_WholeValueReference_IsSubstituted(string value)
    {
        var yaml = Minimal.Replace("identity: disabled", $"identity: {value}", StringComparison.Ordinal);

        var config = Parse(yaml, ("ADMIN", Identity));

        Assert.Equal(Identity, config.Admin);
    }

    [Fact]
    public void Parse_PartialReference_IsKeptLiterally()
    {
        var yaml = Minimal.Replace("./keys", "\"/data/${TENANT}/keys\"", StringComparison.Ordinal);

        var config = Parse(yaml, ("TENANT", "t1"));

        Assert.Equal(new FsKeyStoreConfig("/data/${TENANT}/keys"), config.KeyStore);
    }

    [Fact]
    public void Parse_UnsetVariable_ThrowsWithKesMessageFieldAndLine()
    {
        var yaml = Minimal.Replace("./server.key", "${KEY_FILE}", StringComparison.Ordinal);

        var ex = AssertFails(yaml, "tls.key", 4, "referenced env. variable 'KEY_FILE' in line '4' not found");

        Assert.Equal(
            "config.yml:4: tls.key: referenced env. variable 'KEY_FILE' in line '4' not found. Set KEY_FILE in the server's environment, or write the value itself",
            ex.Message);
    }

    [Fact]
    public void Parse_ReferencesInPolicyPatternsAndApiPaths_AreNotSubstituted()
    {
        var yaml = Minimal + """
            policy:
              app:
                allow: ["${PATTERN}"]
                identities: ["${APP}"]
            api:
              ${PATH}:
                timeout: ${TIMEOUT}
            """;

        var config = Parse(yaml, ("PATTERN", "/v1/key/create/*"), ("APP", Other), ("PATH", "/v1/status"), ("TIMEOUT", "5s"));

        var policy = Assert.Single(config.Policies);
        Assert.Equal(["${PATTERN}"], policy.Allow);
        Assert.Equal([Other], policy.Identities);
        var (path, route) = Assert.Single(config.Api);
        Assert.Equal("${PATH}", path);
        Assert.Equal(TimeSpan.FromSeconds(5), route.Timeout);
        Assert.Contains(config.Warnings, w => w.Contains("policy.app.allow[0]: pattern '${PATTERN}' is taken literally", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_VersionReference_IsNotSubstituted()
    {
        AssertFails("version: ${V}\n" + Minimal, "version", 1, "invalid server config version '${V}'", ("V", "v1"));
    }

    [Fact]
    public void Parse_SubstitutedValues_ConvertAfterSubstitution()
    {
        var yaml = Minimal + """
            cache:
              expiry:
                any: ${ANY}
            api:
              /v1/ready:
                skip_auth: ${SKIP}
            log:
              audit: ${AUDIT}
            """;

        var config = Parse(yaml, ("ANY", "1m"), ("SKIP", "yes"), ("AUDIT", "off"));

        Assert.Equal(TimeSpan.FromMinutes(1), config.Cache.Any);
        Assert.True(config.Api["/v1/ready"].SkipAuth);
        Assert.Equal(LogConfig.Off, config.Log.Audit);
    }

    // Durations

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("5m0s", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("300ms", 300)]
    [InlineData("\"0\"", 0)]
    [InlineData("0s", 0)]
    public void Parse_DurationWithUnit_IsAccepted(string value, long milliseconds)
    {
        var config = Parse(Minimal + $"cache:\n  expiry:\n    offline: {value}\n");

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), config.Cache.Offline);
    }

    [Theory]
    [InlineData("30", "'30' is a plain number, not a duration. Use a unit, e.g. 30s")]
    [InlineData("0", "'0' is a plain number, not a duration. Use a unit, e.g. 30s")]
    [InlineData("\"30\"", "invalid duration '30' (time: missing unit in duration \"30\"). Use a Go duration with a unit")]
    [InlineData("30sec", "invalid duration '30sec' (time: unknown unit \"sec\" in duration \"30sec\")")]
    [InlineData("-5s", "invalid offline cache expiry '-5s'. Use a duration of 0s or more")]
    public void Parse_BadDuration_Throws(string value, string message)
    {
        AssertFails(Minimal + $"cache:\n  expiry:\n    offline: {value}\n", "cache.expiry.offline", 10, message);
    }

    [Theory]
    [InlineData("any", "invalid cache expiry '-1m'")]
    [InlineData("unused", "invalid cache unused expiry '-1m'")]
    public void Parse_NegativeCacheExpiry_ThrowsWithKesMessage(string field, string message)
    {
        AssertFails(Minimal + $"cache:\n  expiry:\n    {field}: -1m\n", $"cache.expiry.{field}", 10, message);
    }

    [Fact]
    public void Parse_ZeroAnyAndUnused_GetDocumentedDefaultsAsInKes()
    {
        var config = Parse(Minimal + "cache:\n  expiry:\n    any: 0s\n    unused: 0s\n    offline: 1m\n");

        Assert.Equal(new CacheConfig { Offline = TimeSpan.FromMinutes(1) }, config.Cache);
    }

    // Top-level fields

    [Theory]
    [InlineData("0.0.0.0:7373")]
    [InlineData(":7373")]
    [InlineData("127.0.0.1:0")]
    [InlineData("\"[::1]:7373\"")]
    public void Parse_ValidAddress_IsKept(string address)
    {
        var config = Parse($"address: {address}\n" + Minimal);

        Assert.Equal(address.Trim('"'), config.Address);
    }

    [Theory]
    [InlineData("localhost:7373")]
    [InlineData("7373")]
    [InlineData("0.0.0.0:99999")]
    [InlineData("127.1:7373")]
    [InlineData("0.0.0.0:https")]
    public void Parse_InvalidAddress_Throws(string address)
    {
        AssertFails($"address: {address}\n" + Minimal, "address", 1, $"invalid address '{address}'. Write IP:port or :port");
    }

    [Theory]
    [InlineData("version: v2\n", "version", 1, "invalid server config version 'v2'. Write 'version: v1'")]
    [InlineData("version: [v1]\n", "version", 1, "expected a single value, found a list")]
    public void Parse_BadVersion_Throws(string prefix, string field, int line, string message)
    {
        AssertFails(prefix + Minimal, field, line, message);
    }

    [Theory]
    [InlineData("  identity: \"\"", 2)]
    [InlineData("  identity:", 2)]
    [InlineData("  other: x", 1)]
    public void Parse_NoAdminIdentity_ThrowsExplainingDisabled(string line, int expectedLine)
    {
        var ex = AssertFails(Minimal.Replace("  identity: disabled", line, StringComparison.Ordinal), "admin.identity", expectedLine, "no admin identity. Set admin.identity");

        Assert.Contains("'disabled'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoAdminSection_ThrowsWithoutLine()
    {
        var ex = AssertFails(Minimal.Replace("admin:\n  identity: disabled\n", string.Empty, StringComparison.Ordinal), "admin.identity", 0, "no admin identity");

        Assert.StartsWith("config.yml: admin.identity: no admin identity.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TopLevelRoot_IsTheAdminWithDeprecationWarning()
    {
        var yaml = Minimal.Replace("admin:\n  identity: disabled\n", $"root: {Identity}\n", StringComparison.Ordinal);

        var config = Parse(yaml);

        Assert.Equal(Identity, config.Admin);
        var warning = Assert.Single(config.Warnings);
        Assert.StartsWith("config.yml:1: root: 'root' is deprecated", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyRootBesideAdminIdentity_IsIgnored()
    {
        var config = Parse("root:\n" + Minimal);

        Assert.Equal("disabled", config.Admin);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Parse_RootAndAdminIdentity_Throws()
    {
        AssertFails("root: disabled\n" + Minimal, "root", 1, "both 'root' and 'admin.identity' (line 3) name the admin. Remove 'root:'");
    }

    // TLS

    [Theory]
    [InlineData("  key: ./server.key\n", "  key: \"\"\n", "tls.key", 4, "no private key. Set tls.key")]
    [InlineData("  cert: ./server.cert\n", "", "tls.cert", 3, "no certificate. Set tls.cert")]
    public void Parse_MissingTlsFile_Throws(string remove, string replacement, string field, int line, string message)
    {
        AssertFails(Minimal.Replace(remove, replacement, StringComparison.Ordinal), field, line, message);
    }

    [Theory]
    [InlineData("\"\"", false)]
    [InlineData("off", false)]
    [InlineData("OFF", false)]
    [InlineData("on", true)]
    [InlineData("On", true)]
    public void Parse_TlsAuth_CaseInsensitive(string value, bool verify)
    {
        var config = Parse(Minimal.Replace("tls:\n", $"tls:\n  auth: {value}\n", StringComparison.Ordinal));

        Assert.Equal(verify, config.Tls.VerifyClientCertificates);
    }

    [Fact]
    public void Parse_InvalidTlsAuth_ThrowsWithKesMessage()
    {
        AssertFails(Minimal.Replace("tls:\n", "tls:\n  auth: verify\n", StringComparison.Ordinal), "tls.auth", 4, "invalid auth 'verify'. Use 'on'");
    }

    [Fact]
    public void Parse_TlsPassword_KeptButNeverPrinted()
    {
        var config = Parse(Minimal.Replace("tls:\n", "tls:\n  password: ${KEY_PASSWORD}\n  ca: ./cas\n", StringComparison.Ordinal), ("KEY_PASSWORD", "hunter2-secret"));

        Assert.Equal("hunter2-secret", config.Tls.Password);
        Assert.Equal("./cas", config.Tls.CaPath);
        Assert.DoesNotContain("hunter2-secret", config.ToString(), StringComparison.Ordinal);
        Assert.Contains("Password = <redacted>", config.Tls.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TlsProxy_ParsedWithIgnoredWarning()
    {
        var yaml = Minimal.Replace("tls:\n", $"tls:\n  proxy:\n    identities: [{Other}]\n    header:\n      cert: X-Tls-Client-Cert\n", StringComparison.Ordinal);

        var config = Parse(yaml);

        Assert.Equal([Other], config.Tls.ProxyIdentities);
        Assert.Equal("X-Tls-Client-Cert", config.Tls.ProxyCertificateHeader);
        var warning = Assert.Single(config.Warnings);
        Assert.StartsWith("config.yml:5: tls.proxy.identities: TLS proxies are parsed and checked but ignored", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyProxyList_NoWarning()
    {
        var config = Parse(Minimal.Replace("tls:\n", "tls:\n  proxy:\n    identities: []\n", StringComparison.Ordinal));

        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Parse_ProxyIsAdmin_ThrowsWithKesMessage()
    {
        var yaml = Minimal.Replace("disabled", Identity, StringComparison.Ordinal)
            .Replace("tls:\n", $"tls:\n  proxy:\n    identities:\n    - {Identity}\n", StringComparison.Ordinal);

        AssertFails(yaml, "tls.proxy.identities[0]", 6, $"invalid tls proxy: identity '{Identity}' is already admin");
    }

    // Policies

    [Fact]
    public void Parse_Policies_InFileOrderWithLists()
    {
        var yaml = Minimal + $"""
            policy:
              zeta:
                allow:
                - /v1/key/create/*
                - /v1/key/generate/*
                deny: [/v1/key/generate/internal*]
                identities:
                - {Other}
              alpha:
                allow:
              empty:
            """;

        var config = Parse(yaml);

        Assert.Equal(["zeta", "alpha", "empty"], config.Policies.Select(p => p.Name));
        Assert.Equal(["/v1/key/create/*", "/v1/key/generate/*"], config.Policies[0].Allow);
        Assert.Equal(["/v1/key/generate/internal*"], config.Policies[0].Deny);
        Assert.Equal([Other], config.Policies[0].Identities);
        Assert.Empty(config.Policies[1].Allow);
        Assert.Empty(config.Policies[2].Identities);
    }

    [Theory]
    [InlineData("/v1/key/*/my-key-internal")]
    [InlineData("/v1/key/create/key-?")]
    [InlineData("/v1/key/create/[ab]*")]
    public void Parse_GlobPattern_WarnsNamingThePattern(string pattern)
    {
        var config = Parse(Minimal + $"policy:\n  app:\n    deny:\n    - {pattern}\n");

        var warning = Assert.Single(config.Warnings);
        Assert.StartsWith($"config.yml:11: policy.app.deny[0]: pattern '{pattern}' looks like a glob; current KES treats '*' as a prefix only at the end", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my app", "policy.my app", 9, "invalid policy name 'my app'")]
    [InlineData("-app", "policy.-app", 9, "invalid policy name '-app'")]
    public void Parse_InvalidPolicyName_Throws(string name, string field, int line, string message)
    {
        AssertFails(Minimal + $"policy:\n  {name}:\n    allow: []\n", field, line, message);
    }

    [Theory]
    [InlineData("\"\"", "invalid identity ''")]
    [InlineData("not/hex", "invalid identity 'not/hex'")]
    public void Parse_InvalidPolicyIdentity_Throws(string identity, string message)
    {
        AssertFails(Minimal + $"policy:\n  app:\n    identities:\n    - {identity}\n", "policy.app.identities[0]", 11, message);
    }

    [Fact]
    public void Parse_PolicyIdentityIsAdmin_ThrowsWithKesMessage()
    {
        var yaml = Minimal.Replace("disabled", Identity, StringComparison.Ordinal) + $"policy:\n  my-app:\n    identities:\n    - {Other}\n    - {Identity}\n";

        var ex = AssertFails(yaml, "policy.my-app.identities[1]", 12, $"invalid policy 'my-app': identity '{Identity}' is already admin");

        Assert.StartsWith("config.yml:12: policy.my-app.identities[1]: invalid policy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PolicyIdentityIsProxy_ThrowsWithKesMessage()
    {
        var yaml = Minimal.Replace("tls:\n", $"tls:\n  proxy:\n    identities: [{Other}]\n", StringComparison.Ordinal)
            + $"policy:\n  app:\n    identities: [{Other}]\n";

        AssertFails(yaml, "policy.app.identities[0]", 12, $"invalid policy 'app': identity '{Other}' is already a TLS proxy");
    }

    [Fact]
    public void Parse_IdentityInTwoPolicies_ThrowsWithKesMessage()
    {
        var yaml = Minimal + $"policy:\n  one:\n    identities: [{Other}]\n  two:\n    identities:\n    - {Other}\n";

        AssertFails(yaml, "policy.two.identities[0]", 13, $"cannot assign policy 'two' to '{Other}': identity already has a policy ('one', line 10)");
    }

    [Theory]
    [InlineData("policy:\n  app:\n    allow: /v1/key/create/*\n", "policy.app.allow", 10, "expected a list ('- item' lines), found a single value")]
    [InlineData("policy:\n  app:\n    allow:\n    - {a: b}\n", "policy.app.allow[0]", 11, "expected a single value, found a section")]
    [InlineData("policy:\n  - app\n", "policy", 8, "expected a section of 'key: value' lines, found a list")]
    public void Parse_WrongShape_ThrowsNamingTheField(string section, string field, int line, string message)
    {
        AssertFails(Minimal + section, field, line, message);
    }

    // API overrides

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("yes", true)]
    [InlineData("No", false)]
    [InlineData("ON", true)]
    [InlineData("off", false)]
    [InlineData("y", true)]
    [InlineData("N", false)]
    [InlineData("\"true\"", true)]
    public void Parse_SkipAuth_AcceptsYaml11Booleans(string value, bool expected)
    {
        var config = Parse(Minimal + $"api:\n  /v1/ready:\n    skip_auth: {value}\n");

        Assert.Equal(new ApiRouteConfig(expected, null), config.Api["/v1/ready"]);
    }

    [Fact]
    public void Parse_InvalidSkipAuth_Throws()
    {
        AssertFails(Minimal + "api:\n  /v1/ready:\n    skip_auth: maybe\n", "api./v1/ready.skip_auth", 10, "invalid boolean 'maybe'. Use true or false");
    }

    [Fact]
    public void Parse_NegativeApiTimeout_ThrowsWithKesMessage()
    {
        AssertFails(Minimal + "api:\n  /v1/key/create/:\n    timeout: -1s\n", "api./v1/key/create/.timeout", 10, "invalid timeout '-1s' for API '/v1/key/create/'");
    }

    [Theory]
    [InlineData("/v1/key/create", "/v1/key/create/")]
    [InlineData("/v1/statuss", "/v1/status")]
    [InlineData("/v1/log/audit/trace", "/v1/log/audit")]
    public void Parse_UnknownApiPath_WarnsNamingClosestRoute(string path, string closest)
    {
        var config = Parse(Minimal + $"api:\n  {path}:\n    timeout: 1s\n");

        var warning = Assert.Single(config.Warnings);
        Assert.StartsWith($"config.yml:9: api.{path}: '{path}' is not a route path, so KES ignores this override; did you mean '{closest}'?", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BulkDecryptPath_IsKnown()
    {
        var config = Parse(Minimal + "api:\n  /v1/key/bulk/decrypt/:\n    timeout: 1s\n");

        Assert.Empty(config.Warnings);
    }

    // Logs

    [Theory]
    [InlineData("on", 0)]
    [InlineData("off", 9)]
    [InlineData("OFF", 9)]
    [InlineData("debug", -4)]
    [InlineData("INFO", 0)]
    [InlineData("warn", 4)]
    [InlineData("ERROR", 8)]
    [InlineData("ERROR+1", 9)]
    [InlineData("info+2", 2)]
    [InlineData("-4", -4)]
    [InlineData("12", 12)]
    [InlineData("\"\"", 0)]
    public void Parse_LogLevel_ConvertsToSlogLevel(string value, int level)
    {
        var config = Parse(Minimal + $"log:\n  error: {value}\n  audit: {value}\n");

        Assert.Equal(new LogConfig { Error = level, Audit = level }, config.Log);
    }

    [Theory]
    [InlineData("verbose")]
    [InlineData("ERROR+")]
    [InlineData("ERROR-1")]
    [InlineData("INFOX")]
    public void Parse_InvalidLogLevel_Throws(string value)
    {
        AssertFails(Minimal + $"log:\n  audit: {value}\n", "log.audit", 9, $"invalid log level '{value}'. Use on, off");
    }

    // Declarative keys

    [Fact]
    public void Parse_Keys_InOrder()
    {
        var config = Parse(Minimal + "keys:\n  - name: alpha\n  - name: ${KEY}\n", ("KEY", "beta"));

        Assert.Equal(["alpha", "beta"], config.Keys);
    }

    [Fact]
    public void Parse_DuplicateKeyName_ThrowsWithKesMessage()
    {
        AssertFails(Minimal + "keys:\n  - name: alpha\n  - name: alpha\n", "keys[1].name", 10, "invalid key config: key 'alpha' is defined multiple times (first at line 9)");
    }

    [Theory]
    [InlineData("keys:\n  - alpha\n", "keys[0]", 9, "expected '- name: <key-name>'")]
    [InlineData("keys:\n  - name: \"\"\n", "keys[0].name", 9, "no key name")]
    public void Parse_BadKeyEntry_Throws(string section, string field, int line, string message)
    {
        AssertFails(Minimal + section, field, line, message);
    }

    [Fact]
    public void Parse_KeysAsMapping_ExplainsRenameToKeystore()
    {
        var yaml = Minimal.Replace("keystore:\n  fs: {path: ./keys}\n", "keys:\n  fs:\n    path: /tmp/kes\n", StringComparison.Ordinal);

        AssertFails(yaml, "keys", 6, "'keys:' is a section here, the layout of KES before v0.17 where it held the key store. Rename 'keys:' to 'keystore:'");
    }

    // Duplicate keys and syntax

    [Fact]
    public void Parse_DuplicateKey_NamesBothLines()
    {
        var yaml = Minimal + "cache:\n  expiry:\n    any: 1m\n    any: 2m\n";

        var ex = AssertFails(yaml, "cache.expiry.any", 11, "duplicate key 'any'; it is already defined at line 10. Keep one of the two");

        Assert.Equal("config.yml:11: cache.expiry.any: duplicate key 'any'; it is already defined at line 10. Keep one of the two", ex.Message);
    }

    [Fact]
    public void Parse_DuplicateTopLevelSection_NamesBothLines()
    {
        AssertFails(Minimal + "tls:\n  key: other.key\n", "tls", 8, "duplicate key 'tls'; it is already defined at line 3");
    }

    [Theory]
    [InlineData(true, "policy:\n  app:\n    allow: [a\n", 11, "YAML syntax error at column 1: while parsing a flow sequence, did not find expected ',' or ']'. A '[' or '{' is not closed")]
    [InlineData(false, "address: a: b\n", 1, "YAML syntax error at column 11: while scanning a plain scalar value, found invalid mapping. A value contains ': '")]
    [InlineData(false, "address: \"0.0.0.0:7373\n", 1, "YAML syntax error at column 10: while scanning a multi-line double-quoted scalar, found wrong indentation. A quote is not closed")]
    [InlineData(true, "policy:\n  app:\n    identities: [${APP}]\n", 10, "YAML syntax error at column 19: while parsing a flow sequence, did not find expected ',' or ']'. Inside [...] or {...} quote ${VAR} references")]
    public void Parse_SyntaxError_ReportsLineColumnAndReason(bool append, string yaml, int line, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(append ? Minimal + yaml : yaml + Minimal));

        Assert.Equal(line, ex.Line);
        Assert.Equal(string.Empty, ex.Field);
        Assert.StartsWith($"config.yml:{line}: {message}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "config.yml: the file is empty")]
    [InlineData("# nothing here\n", "config.yml: the file is empty")]
    [InlineData("- admin\n", "config.yml:1: expected 'key: value' lines at the top level")]
    public void Parse_NoMapping_Throws(string yaml, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    private static ServerConfig Parse(string yaml, params (string Name, string Value)[] environment) =>
        KesConfigLoader.Parse(yaml, Source, Lookup(environment), baseDirectory: null);

    private static Func<string, string?> Lookup((string Name, string Value)[] environment) =>
        name => environment.FirstOrDefault(e => e.Name == name).Value;

    private static ConfigException AssertFails(string yaml, string field, int line, string message, params (string Name, string Value)[] environment)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml, environment));
        Assert.Equal(field, ex.Field);
        Assert.Equal(line, ex.Line);
        var location = line > 0 ? $"{Source}:{line}: {field}: " : $"{Source}: {field}: ";
        Assert.StartsWith(location, ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        return ex;
    }
}

using KesGateway.Server.Configuration;

namespace KesGateway.Tests.Configuration;

// Rate limits (limits: at the top level and in tenants) and gateway.redis.
public partial class KesConfigLoaderTests
{
    private const string RedisSecret = "r3dis-s3cret-value";

    // Lines 8-33 after Minimal.
    private const string FullLimits = """
        policy:
          minio:
            allow: [/v1/key/generate/*]
            identities: ["${MINIO}"]
        limits:
          tenant:
            crypto: {rate: 2000, burst: 4000}
            admin:  {rate: 50}
          identity:
            crypto: {rate: 500, burst: 1000}
          policy:
            minio:
              crypto: {rate: 1000}
          queue:
            size: 64
            timeout: 500ms
          keystore:
            concurrency: 4
        gateway:
          redis:
            endpoint: 127.0.0.1:6379, redis-2.internal:6380,[::1]:6379
            user: kesgw
            password: ${REDIS_PASSWORD}
            tls: true
            prefix: "kesgw:prod"
            timeout: 100ms

        """;

    // A tenant's own policy and limits, after AcmeBase and its upstream: lines 18-27 of WithTenant.
    private const string AcmeLimits = """
            policy:
              backup:
                allow: [/v1/key/decrypt/*]
                identities: ["${BACKUP}"]
            limits:
              identity:
                admin: {rate: 6000/m, burst: 20}
              policy:
                backup:
                  crypto: {rate: "${BACKUP_RATE}"}

        """;

    [Fact]
    public void Parse_FullLimits_YieldsBudgetsQueueKeyStoreCapAndRedis()
    {
        var config = Parse(Minimal + FullLimits, ("MINIO", Other), ("REDIS_PASSWORD", RedisSecret));

        Assert.Empty(config.Warnings);
        var limits = config.Limits;
        Assert.Equal(new RouteBudgets(new Budget(2000, 4000), new Budget(50, 50)), limits.Tenant);
        Assert.Equal(new RouteBudgets(new Budget(500, 1000), null), limits.Identity);
        var (name, budgets) = Assert.Single(limits.Policies);
        Assert.Equal("minio", name);
        Assert.Equal(new RouteBudgets(new Budget(1000, 1000), null), budgets);
        Assert.Equal(64, limits.QueueSize);
        Assert.Equal(TimeSpan.FromMilliseconds(500), limits.QueueTimeout);
        Assert.Equal(4, limits.KeyStoreConcurrency);
        Assert.True(limits.HasBudgets);
        Assert.Same(limits, config.DefaultTenant.Limits);

        Assert.Equal(
            new RedisConfig
            {
                Endpoint = "127.0.0.1:6379,redis-2.internal:6380,[::1]:6379",
                User = "kesgw",
                Password = RedisSecret,
                Tls = true,
                Prefix = "kesgw:prod",
                Timeout = TimeSpan.FromMilliseconds(100),
            },
            config.Redis);
    }

    [Fact]
    public void Parse_TenantLimits_AreReadWithTheTenantsOwnPolicies()
    {
        var yaml = WithTenant(AcmeBase + "    upstream: kes-main\n" + AcmeLimits);

        var config = Parse(yaml, ("BACKUP", Other), ("BACKUP_RATE", "30/m"));

        Assert.Empty(config.Warnings);
        Assert.False(config.Limits.HasBudgets);
        var limits = Assert.Single(config.Tenants).Limits;
        Assert.True(limits.HasBudgets);
        Assert.Equal(RouteBudgets.None, limits.Tenant);
        Assert.Equal(new RouteBudgets(null, new Budget(100, 20)), limits.Identity);
        Assert.Equal(new RouteBudgets(new Budget(0.5, 1), null), limits.Policies["backup"]);
        Assert.Equal(128, limits.QueueSize);
    }

    [Fact]
    public void Parse_NoLimits_AppliesDefaults()
    {
        var config = Parse(Minimal);

        AssertDefaultLimits(config.Limits);
        Assert.Null(config.Redis);
    }

    [Theory]
    [InlineData("limits:\n")]
    [InlineData("limits:\n  tenant:\n  identity:\n    crypto:\n  policy: {}\n")]
    public void Parse_EmptyLimits_AppliesDefaults(string section)
    {
        AssertDefaultLimits(Parse(Minimal + section).Limits);
    }

    [Fact]
    public void Parse_ZeroQueueAndNoKeyStoreCap_AreAllowed()
    {
        var limits = Parse(Minimal + "limits:\n  queue: {size: 0, timeout: 0s}\n  keystore: {concurrency: 0}\n").Limits;

        Assert.Equal(0, limits.QueueSize);
        Assert.Equal(TimeSpan.Zero, limits.QueueTimeout);
        Assert.Equal(0, limits.KeyStoreConcurrency);
        Assert.False(limits.HasBudgets);
    }

    [Theory]
    [InlineData("500", 500.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("1e3", 1000.0)]
    [InlineData("100/s", 100.0)]
    [InlineData("6000/m", 100.0)]
    [InlineData("360000/h", 100.0)]
    [InlineData("30/m", 0.5)]
    [InlineData("'100 / m'", 100.0 / 60)]
    [InlineData("1/h", 1.0 / 3600)]
    [InlineData("\"${RATE}\"", 250.0)]
    public void Parse_RateForms_AreRequestsPerSecond(string rate, double expected)
    {
        var budget = Parse(Minimal + $"limits:\n  identity:\n    crypto: {{rate: {rate}}}\n", ("RATE", "250/s")).Limits.Identity.Crypto!;

        Assert.Equal(expected, budget.Rate, 1e-12);
    }

    [Theory]
    [InlineData("2000", 2000)]
    [InlineData("100.2", 101)]
    [InlineData("0.5", 1)]
    [InlineData("90/m", 2)]
    [InlineData("1/h", 1)]
    [InlineData("1e12", int.MaxValue)]
    public void Parse_BurstOmitted_DefaultsToOneSecondOfRate(string rate, int burst)
    {
        var budget = Parse(Minimal + $"limits:\n  tenant:\n    admin: {{rate: {rate}}}\n").Limits.Tenant.Admin!;

        Assert.Equal(burst, budget.Burst);
    }

    [Fact]
    public void Parse_BurstFromVariable_IsSubstituted()
    {
        var budget = Parse(Minimal + "limits:\n  tenant:\n    crypto: {rate: 10, burst: \"${BURST}\"}\n", ("BURST", "7")).Limits.Tenant.Crypto;

        Assert.Equal(new Budget(10, 7), budget);
    }

    [Fact]
    public void RedisConfig_ToString_NeverShowsThePassword()
    {
        var config = Parse(Minimal + FullLimits, ("MINIO", Other), ("REDIS_PASSWORD", RedisSecret));

        var text = config.Redis!.ToString();

        Assert.DoesNotContain(RedisSecret, text, StringComparison.Ordinal);
        Assert.Contains("Password = <redacted>", text, StringComparison.Ordinal);
        Assert.DoesNotContain(RedisSecret, config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RedisDefaults_PrefixTimeoutNoTlsNoCredentials()
    {
        var config = Parse(Minimal + "limits: {tenant: {crypto: {rate: 10}}}\ngateway:\n  redis:\n    endpoint: redis:6379\n    user: \"\"\n");

        Assert.Equal(new RedisConfig { Endpoint = "redis:6379" }, config.Redis);
        Assert.Equal("kesgw", config.Redis!.Prefix);
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.Redis.Timeout);
        Assert.Empty(config.Warnings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("limits: {queue: {size: 10}, keystore: {concurrency: 2}}\n")]
    public void Parse_RedisWithoutBudgets_WarnsItIsUnused(string limits)
    {
        var config = Parse(Minimal + limits + "gateway:\n  redis: {endpoint: redis:6379}\n");

        var warning = Assert.Single(config.Warnings);
        Assert.StartsWith("config.yml:", warning, StringComparison.Ordinal);
        Assert.Contains(" gateway.redis: Redis is unused: no tenant sets a rate-limit budget", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RedisWithBudgetsOnlyInATenant_IsUsed()
    {
        var yaml = WithTenant(AcmeBase + "    upstream: kes-main\n    limits: {tenant: {crypto: {rate: 10}}}\n") + "gateway:\n  redis: {endpoint: redis:6379}\n";

        Assert.Empty(Parse(yaml).Warnings);
    }

    [Fact]
    public void Parse_RedisInsideATenant_IsIgnoredWithAWarning()
    {
        var config = Parse(WithTenant(AcmeBase + "    upstream: kes-main\n    gateway: {redis: {endpoint: redis:6379}}\n"));

        Assert.Null(config.Redis);
        Assert.Contains(config.Warnings, w => w.StartsWith("config.yml:18: tenants.acme.gateway: 'gateway' applies to the whole server", StringComparison.Ordinal));
    }

    // Errors in limits and gateway.redis: (snippet after Minimal from line 8, field, line, message).
    public static TheoryData<string, string, int, string> LimitsErrors() => new()
    {
        { "limits:\n  tenant:\n    crypto: {rate: 0}\n", "limits.tenant.crypto.rate", 10, "invalid rate '0': a budget must allow some requests. Write a rate above 0 (e.g. 0.5 or 30/m); to set no budget for this route class, remove it" },
        { "limits:\n  tenant:\n    crypto: {rate: -5}\n", "limits.tenant.crypto.rate", 10, "invalid rate '-5': a budget must allow some requests" },
        { "limits:\n  tenant:\n    crypto: {rate: 0/m}\n", "limits.tenant.crypto.rate", 10, "invalid rate '0/m': a budget must allow some requests" },
        { "limits:\n  tenant:\n    crypto: {rate: lots}\n", "limits.tenant.crypto.rate", 10, "invalid rate 'lots'. Write requests per second as a positive number (e.g. 500 or 0.5), or with a unit: 100/s, 6000/m or 360000/h" },
        { "limits:\n  tenant:\n    crypto: {rate: .inf}\n", "limits.tenant.crypto.rate", 10, "invalid rate '.inf'" },
        { "limits:\n  tenant:\n    crypto: {rate: NaN}\n", "limits.tenant.crypto.rate", 10, "invalid rate 'NaN'" },
        { "limits:\n  tenant:\n    crypto: {rate: 100/d}\n", "limits.tenant.crypto.rate", 10, "invalid rate '100/d': unknown unit '/d'. Write requests per second as a positive number" },
        { "limits:\n  tenant:\n    crypto: {rate: 100/min}\n", "limits.tenant.crypto.rate", 10, "unknown unit '/min'" },
        { "limits:\n  tenant:\n    crypto: {rate: /s}\n", "limits.tenant.crypto.rate", 10, "invalid rate '/s'" },
        { "limits:\n  tenant:\n    crypto: {rate: 0.5/h}\n", "limits.tenant.crypto.rate", 10, "invalid rate '0.5/h': below one request per hour. Write a rate of 1/h or more" },
        { "limits:\n  tenant:\n    crypto: {burst: 10}\n", "limits.tenant.crypto.rate", 10, "no rate. Set limits.tenant.crypto.rate to the requests per second the budget allows" },
        { "limits:\n  tenant:\n    crypto:\n      rate: 10\n      burst: 0\n", "limits.tenant.crypto.burst", 12, "invalid burst '0'. Write a whole number of requests of 1 or more (up to 2147483647), e.g. 'burst: 10', the default for this rate" },
        { "limits:\n  tenant:\n    crypto: {rate: 10, burst: -1}\n", "limits.tenant.crypto.burst", 10, "invalid burst '-1'" },
        { "limits:\n  tenant:\n    crypto: {rate: 10, burst: 1.5}\n", "limits.tenant.crypto.burst", 10, "invalid burst '1.5'" },
        { "limits:\n  tenant:\n    crypto: {rate: 10, burst: 3000000000}\n", "limits.tenant.crypto.burst", 10, "invalid burst '3000000000'" },
        { "limits:\n  tenant:\n    crypto: {rate: 10, brust: 20}\n", "limits.tenant.crypto.brust", 10, "unknown field 'brust'. Did you mean 'burst'? limits.tenant.crypto takes rate, burst" },
        { "limits:\n  tenant:\n    crypto: 500\n", "limits.tenant.crypto", 10, "expected a budget, found '500'. Write the rate and, optionally, the burst, e.g. '{rate: 500}'" },
        { "limits:\n  tenant:\n    crypto: [500]\n", "limits.tenant.crypto", 10, "expected a budget, found a list" },
        { "limits:\n  identity:\n    generate: {rate: 5}\n", "limits.identity.generate", 10, "unknown route class 'generate'. Use crypto (generate, encrypt, decrypt, bulk decrypt and hmac) or admin (every other route)" },
        { "limits:\n  identity:\n    Crypto: {rate: 5}\n", "limits.identity.Crypto", 10, "unknown route class 'Crypto'" },
        { "limits:\n  identity: 500\n", "limits.identity", 9, "expected the budgets of the route classes, found a single value or a list. Write e.g. 'crypto: {rate: 500, burst: 1000}'" },
        { "limits:\n  identities:\n    crypto: {rate: 5}\n", "limits.identities", 9, "unknown field 'identities'. Did you mean 'identity'? limits takes tenant, identity, policy, queue, keystore" },
        { "limits: 100\n", "limits", 8, "expected a section of 'key: value' lines, found a single value" },
        { "limits:\n  policy:\n    minio:\n      crypto: {rate: 1}\n", "limits.policy.minio", 10, "policy 'minio' is not defined. This tenant has no policies; define 'minio' under policy or remove the budget" },
        { "policy:\n  minio:\n    allow: []\nlimits:\n  policy:\n    mini:\n      crypto: {rate: 1}\n", "limits.policy.mini", 13, "policy 'mini' is not defined. Did you mean 'minio'? Name one of the policies under policy: minio" },
        { "policy:\n  minio:\n    allow: []\nlimits:\n  policy:\n    minio:\n      hmac: {rate: 1}\n", "limits.policy.minio.hmac", 14, "unknown route class 'hmac'" },
        { "limits:\n  queue:\n    size: -1\n", "limits.queue.size", 10, "invalid queue size '-1'. Write a whole number of 0 or more; 0 rejects a request over budget at once; the default is 128" },
        { "limits:\n  queue:\n    size: 1.5\n", "limits.queue.size", 10, "invalid queue size '1.5'" },
        { "limits:\n  queue:\n    size: many\n", "limits.queue.size", 10, "invalid queue size 'many'" },
        { "limits:\n  queue:\n    timeout: -1s\n", "limits.queue.timeout", 10, "invalid queue timeout '-1s'. Use a duration of 0s or more" },
        { "limits:\n  queue:\n    timeout: 1\n", "limits.queue.timeout", 10, "'1' is a plain number, not a duration. Use a unit, e.g. 30s" },
        { "limits:\n  queue:\n    length: 10\n", "limits.queue.length", 10, "unknown field 'length'. limits.queue takes size, timeout" },
        { "limits:\n  keystore:\n    concurrency: -1\n", "limits.keystore.concurrency", 10, "invalid keystore concurrency '-1'. Write a whole number of 0 or more; 0 sets no cap; the default is 16" },
        { "limits:\n  keystore:\n    concurency: 4\n", "limits.keystore.concurency", 10, "unknown field 'concurency'. Did you mean 'concurrency'?" },
        { "gateway:\n  redis:\n    tls: true\n", "gateway.redis.endpoint", 9, "no Redis endpoint. Set gateway.redis.endpoint, or remove gateway.redis to keep every replica's budgets its own. Write host:port" },
        { "gateway:\n  redis:\n    endpoint: \"\"\n", "gateway.redis.endpoint", 10, "no Redis endpoint" },
        { "gateway:\n  redis:\n    endpoint: redis://10.0.0.1:6379/\n", "gateway.redis.endpoint", 10, "Redis endpoint 'redis://10.0.0.1:6379/' is a URL. Write only host:port, e.g. '10.0.0.1:6379'" },
        { "gateway:\n  redis:\n    endpoint: rediss://redis:6380\n", "gateway.redis.endpoint", 10, "is a URL. Write only host:port, e.g. 'redis:6380' and set tls: true" },
        { "gateway:\n  redis:\n    endpoint: 10.0.0.1\n", "gateway.redis.endpoint", 10, "invalid Redis endpoint '10.0.0.1'. Add the port, e.g. '10.0.0.1:6379'" },
        { "gateway:\n  redis:\n    endpoint: redis:99999\n", "gateway.redis.endpoint", 10, "invalid Redis endpoint 'redis:99999'. Write host:port" },
        { "gateway:\n  redis:\n    endpoint: redis:0\n", "gateway.redis.endpoint", 10, "invalid Redis endpoint 'redis:0'" },
        { "gateway:\n  redis:\n    endpoint: \"::1:6379\"\n", "gateway.redis.endpoint", 10, "invalid Redis endpoint '::1:6379'. Write host:port, several comma-separated for a replicated set, e.g. 'endpoint: 10.0.0.5:6379' or 'endpoint: redis-1:6379,redis-2:6379' (an IPv6 address in brackets: [::1]:6379)" },
        { "gateway:\n  redis:\n    endpoint: \"red is:6379\"\n", "gateway.redis.endpoint", 10, "invalid Redis endpoint 'red is:6379'" },
        { "gateway:\n  redis:\n    endpoint: a:6379,,b:6379\n", "gateway.redis.endpoint", 10, "empty Redis endpoint" },
        { "gateway:\n  redis:\n    endpoint: a:6379, A:6379\n", "gateway.redis.endpoint", 10, "Redis endpoint 'A:6379' is listed twice. Remove the repeated entry" },
        { "gateway:\n  redis:\n    endpoint: a:6379\n    prefix: kes gw\n", "gateway.redis.prefix", 11, "invalid Redis key prefix 'kes gw'. Use 1-64 characters of A-Z a-z 0-9 _ : -" },
        { "gateway:\n  redis:\n    endpoint: a:6379\n    prefix: " + new string('p', 65) + "\n", "gateway.redis.prefix", 11, "invalid Redis key prefix" },
        { "gateway:\n  redis:\n    endpoint: a:6379\n    timeout: 0s\n", "gateway.redis.timeout", 11, "invalid Redis timeout '0s'. Use a duration above 0s, e.g. 250ms (the default)" },
        { "gateway:\n  redis:\n    endpoint: a:6379\n    tls: sometimes\n", "gateway.redis.tls", 11, "invalid boolean 'sometimes'" },
        { "gateway:\n  redis:\n    endpoint: a:6379\n    database: 2\n", "gateway.redis.database", 11, "unknown field 'database'. gateway.redis takes endpoint, user, password, tls, prefix, timeout" },
    };

    [Theory]
    [MemberData(nameof(LimitsErrors))]
    public void Parse_InvalidLimits_ThrowsNamingFieldLineAndFix(string section, string field, int line, string message)
    {
        AssertFails(Minimal + section, field, line, message);
    }

    // The same reader inside a tenant: (snippet from line 17 of WithTenant, after AcmeBase, field, line, message).
    public static TheoryData<string, string, int, string> TenantLimitsErrors() => new()
    {
        { "    limits:\n      identity:\n        crypto: {rate: 0}\n", "tenants.acme.limits.identity.crypto.rate", 19, "invalid rate '0': a budget must allow some requests" },
        { "    limits:\n      identity:\n        crypto: {rate: 5, burst: 0}\n", "tenants.acme.limits.identity.crypto.burst", 19, "invalid burst '0'. Write a whole number of requests of 1 or more" },
        { "    limits:\n      tenant:\n        bulk: {rate: 5}\n", "tenants.acme.limits.tenant.bulk", 19, "unknown route class 'bulk'. Use crypto" },
        { "    limits:\n      queue: {size: -3}\n", "tenants.acme.limits.queue.size", 18, "invalid queue size '-3'" },
        { "    limits:\n      keystore: {concurrency: x}\n", "tenants.acme.limits.keystore.concurrency", 18, "invalid keystore concurrency 'x'" },
        { "    limits:\n      policy:\n        minio: {crypto: {rate: 1}}\n", "tenants.acme.limits.policy.minio", 19, "policy 'minio' is not defined. This tenant has no policies; define 'minio' under tenants.acme.policy or remove the budget" },
        { "    policy: {app: {allow: []}, backup: {allow: []}}\n    limits:\n      policy:\n        minio: {crypto: {rate: 1}}\n", "tenants.acme.limits.policy.minio", 20, "policy 'minio' is not defined. Name one of the policies under tenants.acme.policy: app, backup" },
    };

    [Theory]
    [MemberData(nameof(TenantLimitsErrors))]
    public void Parse_InvalidTenantLimits_NamesTheTenantField(string limits, string field, int line, string message)
    {
        AssertFails(WithTenant(AcmeBase + limits), field, line, message);
    }

    [Fact]
    public void Parse_TenantPolicyBudget_DoesNotSeeTheDefaultTenantsPolicies()
    {
        var yaml = Minimal + "policy:\n  minio:\n    allow: []\n" + MainUpstream + "tenants:\n  acme:\n" + AcmeBase + "    limits: {policy: {minio: {crypto: {rate: 1}}}}\n";

        AssertFails(yaml, "tenants.acme.limits.policy.minio", 20, "This tenant has no policies; define 'minio' under tenants.acme.policy");
    }

    [Fact]
    public void Parse_UnsetVariableInLimits_NamesTheField()
    {
        AssertFails(Minimal + "gateway:\n  redis:\n    endpoint: a:6379\n    password: ${REDIS_PASSWORD}\n", "gateway.redis.password", 11, "referenced env. variable 'REDIS_PASSWORD' in line '11' not found");
    }

    [Fact]
    public void AppSettings_GatewayExample_LimitsTheDefaultTenantAndOneTenantThroughRedis()
    {
        var config = KesConfigLoader.Load(Path.Combine(RepositoryRoot(), "appsettings", "gateway.yml"), Placeholder);

        Assert.True(config.Limits.HasBudgets);
        Assert.Contains(config.Tenants, t => t.Limits.HasBudgets);
        Assert.All(config.AllTenants.Where(t => t.Limits.HasBudgets), t => Assert.All(t.Limits.Policies.Keys, p => Assert.Contains(t.Policies, q => q.Name == p)));
        Assert.NotNull(config.Redis);
        Assert.Equal(Placeholder("REDIS_PASSWORD"), config.Redis.Password);
    }

    private static void AssertDefaultLimits(RateLimitConfig limits)
    {
        Assert.False(limits.HasBudgets);
        Assert.Equal(RouteBudgets.None, limits.Tenant);
        Assert.Equal(RouteBudgets.None, limits.Identity);
        Assert.Empty(limits.Policies);
        Assert.Equal(128, limits.QueueSize);
        Assert.Equal(TimeSpan.FromSeconds(1), limits.QueueTimeout);
        Assert.Equal(16, limits.KeyStoreConcurrency);
    }
}

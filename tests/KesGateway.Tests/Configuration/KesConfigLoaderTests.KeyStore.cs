using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;

namespace KesGateway.Tests.Configuration;

// keystore: exactly one kind with its required fields; the snippet passed to WithKeyStore starts at line 7.
public partial class KesConfigLoaderTests
{
    private const string Vault = "  vault:\n    endpoint: https://vault:8200\n";
    private const string AppRole = "    approle: {id: role, secret: s3cr3t-value}\n";

    public static TheoryData<string, string, int, string> KeyStoreErrors() => new()
    {
        { "  fs:\n", "keystore.fs.path", 7, "invalid fs keystore: no path specified" },
        { "  fs: {path: a}\n  vault: {endpoint: x}\n", "keystore.vault", 8, "invalid keystore config: more than once keystore specified (keystore.fs is at line 7). Keep exactly one" },
        { "  kes: {endpoint: [x]}\n", "keystore", 6, "no keystore specified. keystore.kes (another KES server as the key store) is not supported" },
        { "  vault: {engine: kv}\n", "keystore.vault.endpoint", 7, "invalid vault keystore: no endpoint specified" },
        { "  vault: {endpoint: vault:8200}\n", "keystore.vault.endpoint", 7, "invalid vault keystore: invalid endpoint 'vault:8200'" },
        { Vault + "    version: v3\n" + AppRole, "keystore.vault.version", 9, "invalid vault keystore: invalid K/V engine version 'v3'" },
        { Vault, "keystore.vault", 7, "invalid vault keystore: no authentication method specified" },
        { Vault + AppRole + "    kubernetes: {jwt: token}\n", "keystore.vault.kubernetes", 10, "invalid vault keystore: more than one authentication method specified" },
        { Vault + "    approle: {id: \"\", secret: \"\"}\n    kubernetes: {jwt: \"\"}\n", "keystore.vault.kubernetes", 10, "more than one authentication method specified" },
        { Vault + "    approle: {secret: x}\n", "keystore.vault.approle.id", 9, "invalid vault keystore: invalid approle config: no approle ID specified" },
        { Vault + "    approle:\n      id: x\n", "keystore.vault.approle.secret", 9, "invalid vault keystore: invalid approle config: no approle secret specified" },
        { Vault + "    kubernetes: {role: r}\n", "keystore.vault.kubernetes.jwt", 9, "invalid vault keystore: invalid kubernetes config: no JWT specified" },
        { Vault + "    kubernetes: {jwt: /nonexistent/kesgw/token}\n", "keystore.vault.kubernetes.jwt", 9, "failed to read vault kubernetes JWT from '/nonexistent/kesgw/token'" },
        { Vault + AppRole + "    transit: {engine: my-transit}\n", "keystore.vault.transit.key", 10, "invalid vault keystore: invalid transit config: no key name specified" },
        { Vault + AppRole + "    tls: {key: client.key}\n", "keystore.vault.tls.cert", 10, "invalid vault keystore: invalid tls config: no TLS certificate provided" },
        { Vault + AppRole + "    tls: {cert: client.crt}\n", "keystore.vault.tls.key", 10, "invalid vault keystore: invalid tls config: no TLS private key provided" },
        { Vault + AppRole + "    status: {ping: -1s}\n", "keystore.vault.status.ping", 10, "invalid vault keystore: invalid status ping '-1s'" },
        { Vault + AppRole + "    status: {ping: 10}\n", "keystore.vault.status.ping", 10, "'10' is a plain number, not a duration. Use a unit, e.g. 30s" },
        { "  fortanix: {sdkms: {credentials: {key: k}}}\n", "keystore.fortanix.sdkms.endpoint", 7, "invalid fortanix SDKMS keystore: no endpoint specified" },
        { "  fortanix: {sdkms: {endpoint: e}}\n", "keystore.fortanix.sdkms.credentials.key", 7, "invalid fortanix SDKMS keystore: no API key specified" },
        { "  gemalto: {keysecure: {endpoint: e}}\n", "keystore.gemalto.keysecure.credentials.token", 7, "invalid gemalto keysecure keystore: no token specified" },
        { "  gcp:\n    secretmanager: {endpoint: e}\n", "keystore.gcp.secretmanager.project_id", 8, "invalid GCP secretmanager keystore: no project ID specified" },
        { "  aws: {secretsmanager: {endpoint: e}}\n", "keystore.aws.secretsmanager.region", 7, "invalid AWS secretsmanager keystore: no region specified" },
        { "  azure: {keyvault: {credentials: {}}}\n", "keystore.azure.keyvault.endpoint", 7, "invalid Azure keyvault keystore: no endpoint specified" },
        { "  azure:\n    keyvault:\n      endpoint: e\n      credentials: {tenant_id: t}\n      managed_identity: {client_id: c}\n", "keystore.azure.keyvault.managed_identity", 11, "invalid Azure keyvault keystore: more than one authentication method specified" },
        { "  azure:\n    keyvault:\n      endpoint: e\n      credentials: {tenant_id: t, client_id: c}\n", "keystore.azure.keyvault.credentials.client_secret", 10, "invalid Azure keyvault keystore: no client secret specified" },
        { "  azure:\n    keyvault:\n      endpoint: e\n      managed_identity: {tenant_id: t}\n", "keystore.azure.keyvault.managed_identity.client_id", 10, "invalid Azure keyvault keystore: no client ID specified" },
        { "  entrust: {keycontrol: {endpoint: e, vault_id: v, box_id: b, credentials: {username: u}}}\n", "keystore.entrust.keycontrol.credentials.password", 7, "invalid Entrust KeyControl keystore: no password specified" },
    };

    [Theory]
    [MemberData(nameof(KeyStoreErrors))]
    public void Parse_InvalidKeyStore_ThrowsWithKesMessage(string keyStore, string field, int line, string message)
    {
        AssertFails(WithKeyStore(keyStore), field, line, message);
    }

    [Fact]
    public void Parse_NoKeyStore_Throws()
    {
        var yaml = Minimal.Replace("keystore:\n  fs: {path: ./keys}\n", string.Empty, StringComparison.Ordinal);

        AssertFails(yaml, "keystore", 0, "no keystore specified. Add a keystore section");
    }

    [Fact]
    public void Parse_VaultMinimal_AppliesKesDefaults()
    {
        var config = Parse(WithKeyStore(Vault + AppRole));

        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.Equal("kv", vault.Engine);
        Assert.Equal("v1", vault.Version);
        Assert.Equal(string.Empty, vault.Namespace);
        Assert.Equal(string.Empty, vault.Prefix);
        Assert.Equal("approle", vault.AppRole!.Engine);
        Assert.Equal(TimeSpan.FromSeconds(15), vault.StatusPing);
        Assert.Equal(new VaultTlsConfig(), vault.Tls);
    }

    [Fact]
    public void Parse_VaultFull_ReadsEveryField()
    {
        var yaml = WithKeyStore("""
              vault:
                endpoint: ${VAULT_ADDR}
                engine: secrets
                version: v2
                namespace: ns
                prefix: tenant
                kubernetes:
                  engine: k8s
                  namespace: /
                  role: kes
                  jwt: ./token
                transit: {key: kes-wrap}
                tls: {key: client.key, cert: /etc/kes/client.crt, ca: cas/}
                status: {ping: 1m}
            """);
        var baseDirectory = Path.GetTempPath();
        File.WriteAllText(Path.Combine(baseDirectory, "token"), "jwt");

        var config = KesConfigLoader.Parse(yaml, Source, n => n == "VAULT_ADDR" ? "http://127.0.0.1:8200" : null, baseDirectory);

        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.Equal("http://127.0.0.1:8200", vault.Endpoint);
        Assert.Equal(("secrets", "v2", "ns", "tenant"), (vault.Engine, vault.Version, vault.Namespace, vault.Prefix));
        Assert.Equal(new VaultKubernetesConfig { Engine = "k8s", Namespace = "/", Role = "kes", JwtFile = Path.Combine(baseDirectory, "token") }, vault.Kubernetes);
        Assert.Equal(new VaultTransitConfig { Key = "kes-wrap" }, vault.Transit);
        Assert.Equal("transit", vault.Transit!.Engine);
        Assert.Equal(
            new VaultTlsConfig { KeyPath = Path.Combine(baseDirectory, "client.key"), CertificatePath = "/etc/kes/client.crt", CaPath = Path.Combine(baseDirectory, "cas") + Path.DirectorySeparatorChar },
            vault.Tls);
        Assert.Equal(TimeSpan.FromMinutes(1), vault.StatusPing);
    }

    [Fact]
    public void Parse_VaultSecrets_NeverInToStringOrErrors()
    {
        var config = Parse(WithKeyStore(Vault + "    approle:\n      id: role\n      secret: ${SECRET}\n"), ("SECRET", "s3cr3t-value"));

        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.Equal("s3cr3t-value", vault.AppRole!.Secret);
        Assert.DoesNotContain("s3cr3t-value", vault.ToString(), StringComparison.Ordinal);
        Assert.Contains("Secret = <redacted>", vault.AppRole.ToString(), StringComparison.Ordinal);

        var ex = Assert.Throws<ConfigException>(() => Parse(WithKeyStore(Vault + AppRole + "    transit: {engine: t}\n")));
        Assert.DoesNotContain("s3cr3t-value", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fortanix", "  fortanix: {sdkms: {endpoint: https://sdkms.fortanix.com, credentials: {key: api-key-secret}}}\n", "sdkms.credentials.key")]
    [InlineData("gemalto", "  gemalto: {keysecure: {endpoint: https://ks, credentials: {token: refresh-secret, domain: d}}}\n", "keysecure.credentials.token")]
    [InlineData("gcp", "  gcp: {secretmanager: {project_id: p, scopes: [a, b], credentials: {private_key: pk-secret}}}\n", "secretmanager.credentials.private_key")]
    [InlineData("azure", "  azure: {keyvault: {endpoint: https://kv, credentials: {tenant_id: t, client_id: c, client_secret: cs-secret}}}\n", "keyvault.credentials.client_secret")]
    [InlineData("entrust", "  entrust: {keycontrol: {endpoint: e, vault_id: v, box_id: b, credentials: {username: u, password: pw-secret}}}\n", "keycontrol.credentials.password")]
    public void Parse_OtherKeyStores_ValidatedAsUnsupportedWithoutSecrets(string kind, string keyStore, string secretField)
    {
        var config = Parse(WithKeyStore(keyStore));

        var store = Assert.IsType<UnsupportedKeyStoreConfig>(config.KeyStore);
        Assert.Equal(kind, store.Kind);
        Assert.Equal("<redacted>", store.Settings[secretField]);
        Assert.DoesNotContain("secret", string.Join(",", store.Settings.Values), StringComparison.Ordinal);
        if (kind == "gcp")
        {
            Assert.Equal("a,b", store.Settings["secretmanager.scopes"]);
        }
    }

    [Fact]
    public void Vault_ApproleRetry_IsHonouredAsTheLoginRetryInterval()
    {
        var config = Parse(WithKeyStore(Vault + "    approle: {id: role, secret: s3cr3t-value, retry: 15s}\n"));

        var options = GatewayStateFactory.ToVaultOptions((VaultKeyStoreConfig)config.KeyStore!, TimeProvider.System);

        Assert.Equal(TimeSpan.FromSeconds(15), options.LoginRetryInterval);
    }

    [Fact]
    public void Vault_NoRetry_KeepsThreeSeconds()
    {
        var config = Parse(WithKeyStore(Vault + AppRole));

        var options = GatewayStateFactory.ToVaultOptions((VaultKeyStoreConfig)config.KeyStore!, TimeProvider.System);

        Assert.Equal(TimeSpan.FromSeconds(3), options.LoginRetryInterval);
    }

    [Fact]
    public void Vault_RetryWithoutUnit_IsRefusedNamingTheField()
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(WithKeyStore(Vault + "    approle: {id: role, secret: s3cr3t-value, retry: 15}\n")));

        Assert.Contains("keystore.vault.approle.retry", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateKeyStore_CloudKeyStore_IsValidButNotServed()
    {
        var config = Parse(WithKeyStore("  aws:\n    secretsmanager:\n      endpoint: secretsmanager.us-east-2.amazonaws.com\n      region: us-east-2\n"));
        var context = new KeyStoreContext(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => GatewayStateFactory.CreateKeyStoreAsync(config.KeyStore!, context, TestContext.Current.CancellationToken));

        Assert.StartsWith("keystore.aws: this KesGateway version cannot serve a 'aws' keystore.", ex.Message, StringComparison.Ordinal);
    }

    private static string WithKeyStore(string keyStore) =>
        Minimal.Replace("  fs: {path: ./keys}\n", keyStore, StringComparison.Ordinal);
}

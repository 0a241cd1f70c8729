using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Tests.Cli;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Configuration;

// The KES config test data (shared/vectors/config) and the outcome its README states for each file.
public partial class KesConfigLoaderTests
{
    private const string VectorAdmin = "c84cc9b91ae2399b043da7eca616048d4b4200edf2ff418d8af3835911db945d";

    private static readonly string ConfigVectors = Path.Combine(TestPaths.Vectors, "config");

    // File → the field its load fails on, or null when it loads.
    public static TheoryData<string, string?> VectorOutcomes() => new()
    {
        { "fs.yml", null },
        { "custom-api.yml", null },
        { "vault.yml", null },
        { "vault-approle.yml", null },
        { "vault-k8s.yml", null },
        { "vault-k8s-with-service-account-file.yml", null },
        { "aws.yml", null },
        { "aws-no-credentials.yml", null },
        { "server-config.yaml", "keystore.fs.path" },
        { "legacy-v0.22.3/fs.yml", null },
        { "legacy-v0.22.3/with_version.yml", null },
        { "legacy-v0.22.3/with_tls_ca.yml", null },
        { "legacy-v0.22.3/invalid_root.yml", "keys" },
        { "legacy-v0.22.3/invalid_keys.yml", "keys" },
        { "legacy-v0.22.3/invalid_version.yml", "version" },
    };

    [Fact]
    public void VectorOutcomes_CoverEveryConfigVectorFile()
    {
        var files = Directory.EnumerateFiles(ConfigVectors, "*.y*ml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ConfigVectors, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

        Assert.Equal(files, VectorOutcomes().Select(row => row.Data.Item1).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(VectorOutcomes))]
    public void Load_ConfigVector_LoadsOrFailsAsReadmeSays(string file, string? failingField)
    {
        using var dir = new TempDirectory();
        var path = CopyVector(dir, file);

        if (failingField is null)
        {
            Assert.NotNull(KesConfigLoader.Load(path, _ => null));
        }
        else
        {
            var ex = Assert.Throws<ConfigException>(() => KesConfigLoader.Load(path, _ => null));
            Assert.Equal(failingField, ex.Field);
            Assert.True(ex.Line > 0, ex.Message);
        }
    }

    [Fact]
    public void Load_FsVector_QuotedPathTrimmedAndAdmin()
    {
        var config = LoadVector("fs.yml");

        Assert.Equal(VectorAdmin, config.Admin);
        Assert.Equal("0.0.0.0:7373", config.Address);
        Assert.Equal(new FsKeyStoreConfig("/tmp/keys"), config.KeyStore);
        Assert.Equal(Path.Combine(ConfigVectors, "server.key"), config.Tls.KeyPath);
        Assert.Equal(Path.Combine(ConfigVectors, "server.cert"), config.Tls.CertificatePath);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Load_CustomApiVector_TimeoutsSkipAuthAndCache()
    {
        var config = LoadVector("custom-api.yml");

        Assert.Equal("disabled", config.Admin);
        Assert.Equal(new ApiRouteConfig(true, TimeSpan.FromSeconds(17)), config.Api["/v1/status"]);
        Assert.Equal(new ApiRouteConfig(true, TimeSpan.FromSeconds(22)), config.Api["/v1/metrics"]);
        Assert.Equal(2, config.Api.Count);
        Assert.Equal(new CacheConfig { Any = TimeSpan.FromMinutes(5), Unused = TimeSpan.FromSeconds(30), Offline = TimeSpan.Zero }, config.Cache);
        Assert.Equal(new FsKeyStoreConfig("/tmp/kes"), config.KeyStore);

        // Some route skips auth, so the handshake must request rather than require a client certificate.
        Assert.True(KesRouteTable.Create(KesApi.DefaultRoutes, config.Api).SomeRouteSkipsAuth);
    }

    [Theory]
    [InlineData("vault.yml")]
    [InlineData("vault-approle.yml")]
    public void Load_VaultAppRoleVector_AllFields(string file)
    {
        var config = LoadVector(file);

        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.Equal("https://127.0.0.1:8200", vault.Endpoint);
        Assert.Equal("kv", vault.Engine);
        Assert.Equal("v2", vault.Version);
        Assert.Equal("ns1", vault.Namespace);
        Assert.Equal("tenant-1", vault.Prefix);
        Assert.Equal(
            new VaultAppRoleConfig { Engine = "approle", Id = "db02de05-fa39-4855-059b-67221c5c2f63", Secret = "6a174c20-f6de-a53c-74d2-6018fcceff64" },
            vault.AppRole);
        Assert.Null(vault.Kubernetes);
        Assert.Null(vault.Transit);
        Assert.Equal(new VaultTlsConfig(), vault.Tls);
        Assert.Equal(TimeSpan.FromSeconds(15), vault.StatusPing);
        Assert.DoesNotContain("6a174c20-f6de-a53c-74d2-6018fcceff64", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_VaultKubernetesVector_InlineJwt()
    {
        var config = LoadVector("vault-k8s.yml");

        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.Equal("https://127.0.0.1:8201", vault.Endpoint);
        Assert.Equal("secrets", vault.Engine);
        Assert.Equal("v1", vault.Version);
        Assert.Equal("ns2", vault.Namespace);
        Assert.Equal("tenant-2", vault.Prefix);
        Assert.Null(vault.AppRole);
        var kubernetes = Assert.IsType<VaultKubernetesConfig>(vault.Kubernetes);
        Assert.Equal("kubernetes", kubernetes.Engine);
        Assert.Equal("default", kubernetes.Role);
        Assert.StartsWith("eyJhbGciOiJSUzI1NiIsImtpZCI6IkJQbGNNeTdBeXdLQmZMaGw2N1dFZkJvUmtsdnVvdkxXWGsteTc5TmJPeGMifQ.", kubernetes.Jwt, StringComparison.Ordinal);
        Assert.EndsWith("Qg6VDNd9w", kubernetes.Jwt, StringComparison.Ordinal);
        Assert.Null(kubernetes.JwtFile);
        Assert.DoesNotContain("eyJhbGci", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_VaultKubernetesFileVector_KeepsResolvedPathOfReadableFile()
    {
        using var dir = new TempDirectory();
        var path = CopyVector(dir, "vault-k8s-with-service-account-file.yml");

        var config = KesConfigLoader.Load(path, _ => null);

        var kubernetes = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore).Kubernetes!;
        Assert.Null(kubernetes.Jwt);
        Assert.Equal(Path.Combine(dir.Path, "testdata", "vault-k8s-service-account"), kubernetes.JwtFile);
        Assert.Equal("default", kubernetes.Role);
    }

    [Fact]
    public void Load_VaultKubernetesFileVectorWithoutTheFile_ThrowsWithKesMessage()
    {
        var path = Path.Combine(ConfigVectors, "vault-k8s-with-service-account-file.yml");

        var ex = Assert.Throws<ConfigException>(() => KesConfigLoader.Load(path, _ => null));

        Assert.Equal("keystore.vault.kubernetes.jwt", ex.Field);
        Assert.StartsWith(
            $"{path}:22: keystore.vault.kubernetes.jwt: failed to read vault kubernetes JWT from './testdata/vault-k8s-service-account': ",
            ex.Message,
            StringComparison.Ordinal);
        Assert.Contains("relative to the config file's directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AwsVector_UnsupportedWithSettingsAndNoSecret()
    {
        var config = LoadVector("aws.yml");

        var aws = Assert.IsType<UnsupportedKeyStoreConfig>(config.KeyStore);
        Assert.Equal("aws", aws.Kind);
        Assert.Equal("secretsmanager.us-east-2.amazonaws.com", aws.Settings["secretsmanager.endpoint"]);
        Assert.Equal("us-east-2", aws.Settings["secretsmanager.region"]);
        Assert.Equal("AKIAIOSFODNN7EXAMPLE", aws.Settings["secretsmanager.credentials.accesskey"]);
        Assert.Equal("<redacted>", aws.Settings["secretsmanager.credentials.secretkey"]);
        Assert.DoesNotContain("wJalrXUtnFEMI", string.Join(",", aws.Settings.Values), StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AwsNoCredentialsVector_HasNoCredentialSettings()
    {
        var aws = Assert.IsType<UnsupportedKeyStoreConfig>(LoadVector("aws-no-credentials.yml").KeyStore);

        Assert.Equal(["secretsmanager.endpoint", "secretsmanager.region"], aws.Settings.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_ReferenceServerConfig_FailsOnEmptyFsPathLikeKes()
    {
        var ex = Assert.Throws<ConfigException>(() => LoadVector("server-config.yaml"));

        Assert.Contains(": keystore.fs.path: invalid fs keystore: no path specified.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("legacy-v0.22.3/fs.yml")]
    [InlineData("legacy-v0.22.3/with_version.yml")]
    [InlineData("legacy-v0.22.3/with_tls_ca.yml")]
    public void Load_LegacyVector_SameSchemaLoads(string file)
    {
        var config = LoadVector(file);

        Assert.Equal("disabled", config.Admin);
        var policy = Assert.Single(config.Policies);
        Assert.Equal("minio", policy.Name);
        Assert.Equal(["/v1/key/create/*", "/v1/key/generate/*", "/v1/key/decrypt/*", "/v1/key/bulk/decrypt/*"], policy.Allow);
        Assert.Equal(["/v1/key/decrypt/2022-10-31_my-bucket-1"], policy.Deny);
        Assert.Empty(policy.Identities);
        Assert.Equal(new FsKeyStoreConfig("/tmp/kes"), config.KeyStore);
        var expectedCa = file.EndsWith("with_tls_ca.yml", StringComparison.Ordinal) ? Path.Combine(ConfigVectors, "legacy-v0.22.3", "CAs") : null;
        Assert.Equal(expectedCa, config.Tls.CaPath);
    }

    [Theory]
    [InlineData("legacy-v0.22.3/invalid_root.yml", "keys", 24, "Rename 'keys:' to 'keystore:'")]
    [InlineData("legacy-v0.22.3/invalid_keys.yml", "keys", 25, "Rename 'keys:' to 'keystore:'")]
    [InlineData("legacy-v0.22.3/invalid_version.yml", "version", 1, "invalid server config version 'v2'")]
    public void Load_InvalidLegacyVector_ThrowsNamingFieldAndLine(string file, string field, int line, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => LoadVector(file));

        Assert.Equal(field, ex.Field);
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"{Path.Combine(ConfigVectors, file)}:{line}: {field}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private static ServerConfig LoadVector(string file) => KesConfigLoader.Load(Path.Combine(ConfigVectors, file), _ => null);

    // The service-account vector names its token as ./testdata/<file>, relative to where the Go test ran; lay it out so.
    private static string CopyVector(TempDirectory dir, string file)
    {
        var path = dir.File(Path.GetFileName(file));
        File.Copy(Path.Combine(ConfigVectors, file), path);
        Directory.CreateDirectory(dir.File("testdata"));
        File.Copy(Path.Combine(ConfigVectors, "vault-k8s-service-account"), Path.Combine(dir.Path, "testdata", "vault-k8s-service-account"));
        return path;
    }
}

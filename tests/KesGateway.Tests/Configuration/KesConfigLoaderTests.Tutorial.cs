using KesGateway.Server.Configuration;

namespace KesGateway.Tests.Configuration;

// The configs of the KES Vault tutorial (shared/spec/seed-vault-tutorial.md), as printed and as a reader would fix them.
public partial class KesConfigLoaderTests
{
    private const string TutorialIdentity = "cf6c535e738c1dd47a1d746366fde7f0309d1e0a8471b9f6e909833906afbbfa";
    private const string RoleId = "db02de05-fa39-4855-059b-67221c5c2f63";
    private const string SecretId = "6a174c20-f6de-a53c-74d2-6018fcceff64";
    private const string MinioIdentity = "0426fa9a04bc2756b92fbe8a97e1a1e07b53ecf04ed33da22c33e5c9faeb8cbb";

    [Fact]
    public void Parse_TutorialStep3Filled_YieldsVaultKeyStore()
    {
        var yaml = TutorialConfigs.Step3
            .Replace("identity: \"\"", $"identity: \"{TutorialIdentity}\"", StringComparison.Ordinal)
            .Replace("id:     \"\"", $"id:     \"{RoleId}\"", StringComparison.Ordinal)
            .Replace("secret: \"\"", $"secret: \"{SecretId}\"", StringComparison.Ordinal);

        var config = Parse(yaml);

        Assert.Equal(TutorialIdentity, config.Admin);
        Assert.Equal("private.key", config.Tls.KeyPath);
        Assert.Equal("public.crt", config.Tls.CertificatePath);
        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.Equal("https://127.0.0.1:8200", vault.Endpoint);
        Assert.Equal("v1", vault.Version);
        Assert.Equal("kv", vault.Engine);
        Assert.Equal(new VaultAppRoleConfig { Id = RoleId, Secret = SecretId }, vault.AppRole);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void Parse_TutorialStep3AsPrinted_FailsNamingAdminIdentity()
    {
        var ex = AssertFails(TutorialConfigs.Step3, "admin.identity", 3, "no admin identity");

        Assert.StartsWith("config.yml:3: admin.identity: no admin identity. Set admin.identity to the identity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TutorialStep3WithoutAppRole_FailsNamingApproleId()
    {
        var yaml = TutorialConfigs.Step3.Replace("identity: \"\"", $"identity: \"{TutorialIdentity}\"", StringComparison.Ordinal);

        AssertFails(yaml, "keystore.vault.approle.id", 15, "invalid vault keystore: invalid approle config: no approle ID specified");
    }

    [Fact]
    public void Parse_TutorialReferenceAsPrinted_FailsWithDuplicateKeyAndIndentationHint()
    {
        var ex = AssertFails(TutorialConfigs.Reference, "policy.minio-server.allow", 32, "duplicate key 'allow'");

        Assert.Equal(
            "config.yml:32: policy.minio-server.allow: duplicate key 'allow'; it is already defined at line 15. "
            + "'my-app:' at line 31 is indented under 'minio-server:'; indent it like 'minio-server:' to make it a separate policy",
            ex.Message);
    }

    [Fact]
    public void Parse_TutorialReferenceFixed_LoadsWithRootDeprecationWarning()
    {
        var yaml = FixedReference()
            .Replace("endpoint: \"\"", "endpoint: \"https://127.0.0.1:8200\"", StringComparison.Ordinal)
            .Replace("id: \"\"", $"id: \"{RoleId}\"", StringComparison.Ordinal)
            .Replace("secret: \"\"", "secret: \"${VAULT_SECRET_ID}\"", StringComparison.Ordinal);

        var config = Parse(yaml, ("ROOT_IDENTITY", TutorialIdentity), ("MINIO_IDENTITY", MinioIdentity), ("VAULT_SECRET_ID", SecretId));

        Assert.Equal(TutorialIdentity, config.Admin);
        Assert.Equal(["minio-server", "my-app"], config.Policies.Select(p => p.Name));
        Assert.Equal([MinioIdentity], config.Policies[0].Identities);
        Assert.Equal(9, config.Policies[0].Allow.Length);
        Assert.Equal(2, config.Policies[1].Identities.Length);
        Assert.Equal(["minio-encryption-key-alpha", "minio-encryption-key-baker", "minio-encryption-key-charlie"], config.Keys);
        Assert.Equal(new CacheConfig { Any = TimeSpan.FromMinutes(5), Unused = TimeSpan.FromSeconds(20) }, config.Cache);
        Assert.Equal(new LogConfig { Error = 0, Audit = LogConfig.Off }, config.Log);
        Assert.Equal(new ApiRouteConfig(false, TimeSpan.FromSeconds(15)), config.Api["/v1/ready"]);
        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.Equal(new VaultAppRoleConfig { Id = RoleId, Secret = SecretId }, vault.AppRole);
        Assert.Null(vault.Kubernetes);
        Assert.Null(vault.Transit);
        Assert.Equal(TimeSpan.FromSeconds(10), vault.StatusPing);
        Assert.Collection(
            config.Warnings,
            w => Assert.StartsWith("config.yml:2: root: 'root' is deprecated", w, StringComparison.Ordinal),
            w => Assert.StartsWith("config.yml:79: keystore.vault.kubernetes: every value is empty, so the section is ignored (as keystore.vault.approle is set)", w, StringComparison.Ordinal),
            w => Assert.StartsWith("config.yml:71: keystore.vault.transit: every value is empty, so the section is ignored", w, StringComparison.Ordinal));
        Assert.DoesNotContain(SecretId, config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TutorialReferenceFixedButVaultUnfilled_FailsNamingEndpoint()
    {
        AssertFails(FixedReference(), "keystore.vault.endpoint", 66, "invalid vault keystore: no endpoint specified", ("ROOT_IDENTITY", TutorialIdentity), ("MINIO_IDENTITY", MinioIdentity));
    }

    [Fact]
    public void Parse_TutorialReferenceFixedWithoutEnvironment_FailsNamingTheVariable()
    {
        AssertFails(FixedReference(), "root", 2, "referenced env. variable 'ROOT_IDENTITY' in line '2' not found");
    }

    private static string FixedReference()
    {
        var fixedYaml = TutorialConfigs.Reference.Replace("\n    my-app:\n", "\n  my-app:\n", StringComparison.Ordinal);
        Assert.NotEqual(TutorialConfigs.Reference, fixedYaml);
        return fixedYaml;
    }
}

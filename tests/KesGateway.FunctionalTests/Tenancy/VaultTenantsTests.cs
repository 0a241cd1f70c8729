using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Tenancy;

/// <summary>Two tenants on two host names, each with its own prefix and AppRole in one Vault, configured in YAML as an operator would.</summary>
public sealed class VaultTenantsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-vault-tenants-").FullName;
    private readonly X509Certificate2 _adminA = TestCertificates.CreateClient("CN=admin-a");
    private readonly X509Certificate2 _adminB = TestCertificates.CreateClient("CN=admin-b");
    private readonly X509Certificate2 _minioA = TestCertificates.CreateClient("CN=minio-a");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _adminA.Dispose();
        _adminB.Dispose();
        _minioA.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task TwoTenants_KeysLiveUnderTheirOwnPrefix_NeitherReachesTheOther()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        var configPath = WriteConfig(vault);
        await using var gateway = await TestGateway.StartAsync(new GatewayOptions { Config = KesConfigLoader.Load(configPath), ConfigPath = configPath });
        using var a = gateway.Client("kms.tenant-a.test", _adminA);
        using var b = gateway.Client("kms.tenant-b.test", _adminB);
        using var minio = gateway.Client("kms.tenant-a.test", _minioA);
        using var minioAtB = gateway.Client("kms.tenant-b.test", _minioA);

        using var createA = await a.PostJsonAsync("/v1/key/create/minio-key", null);
        using var createB = await b.PostJsonAsync("/v1/key/create/minio-key", null);
        using var dek = await minio.PostJsonAsync("/v1/key/generate/minio-key", new { context = "e30=" });
        var generated = await dek.JsonAsync();
        using var decrypt = await minio.PostJsonAsync("/v1/key/decrypt/minio-key", new { ciphertext = generated.GetProperty("ciphertext").GetString(), context = "e30=" });
        using var atB = await minioAtB.PostJsonAsync("/v1/key/decrypt/minio-key", new { ciphertext = generated.GetProperty("ciphertext").GetString(), context = "e30=" });
        using var declared = await a.GetPathAsync("/v1/key/describe/tenant-a-declared");

        Assert.Equal(HttpStatusCode.OK, createA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, createB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dek.StatusCode);
        Assert.Equal(generated.GetProperty("plaintext").GetString(), (await decrypt.JsonAsync()).GetProperty("plaintext").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, atB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, declared.StatusCode);
        Assert.NotNull(vault.ReadKv("kv", "tenant-a/minio-key"));
        Assert.NotNull(vault.ReadKv("kv", "tenant-b/minio-key"));
        Assert.NotEqual(vault.ReadKv("kv", "tenant-a/minio-key"), vault.ReadKv("kv", "tenant-b/minio-key"));
        Assert.Null(vault.ReadKv("kv", "minio-key"));
    }

    private string WriteConfig(VaultDouble vault)
    {
        vault.EnableKv("kv", 1);
        vault.EnableAppRole();
        foreach (var tenant in new[] { "tenant-a", "tenant-b" })
        {
            vault.WritePolicy(tenant, $"path \"kv/{tenant}/*\" {{ capabilities = [\"create\",\"read\",\"delete\",\"list\"] }}");
            vault.WriteAppRole(tenant, policies: [tenant]);
        }

        File.WriteAllText(Path.Combine(_dir, "vault-ca.pem"), vault.CaCertificatePem);
        TestGateway.WriteServerCertificate(_dir, "localhost", "default");
        TestGateway.WriteServerCertificate(_dir, "kms.tenant-a.test", "tenant-a");
        TestGateway.WriteServerCertificate(_dir, "kms.tenant-b.test", "tenant-b");
        var path = Path.Combine(_dir, "config.yml");
        File.WriteAllText(path, $"""
            admin:
              identity: disabled
            tls:
              key: default.key
              cert: default.crt
            keystore:
              fs:
                path: default-keys
            tenants:
            {Tenant(vault, "tenant-a", _adminA, TestServer.IdentityOf(_minioA))}
            {Tenant(vault, "tenant-b", _adminB, null)}
            """);
        return path;
    }

    private static string Tenant(VaultDouble vault, string name, X509Certificate2 admin, string? minio) => $"""
          {name}:
            hosts: [kms.{name}.test]
            admin:
              identity: {TestServer.IdentityOf(admin)}
            tls:
              key: {name}.key
              cert: {name}.crt
            policy:
              minio:
                allow: [/v1/key/generate/*, /v1/key/decrypt/*]
                identities: [{minio ?? "none"}]
            keys:
              - name: {name}-declared
            keystore:
              vault:
                endpoint: {vault.Address.ToString().TrimEnd('/')}
                prefix: {name}
                approle:
                  id: {vault.ReadRoleId(name)}
                  secret: {vault.GenerateSecretId(name)}
                tls:
                  ca: vault-ca.pem
        """;
}

using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using KesGateway.Core.Client;
using KesGateway.Core.Crypto;
using KesGateway.Core.Identity;
using KesGateway.Core.Protocol;
using KesGateway.FunctionalTests.Cli;
using KesGateway.Tests.Common;
using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>The Vault tutorial (seed-vault-tutorial.md) verbatim, with <c>kesgw</c> in place of <c>kes</c>, against the Vault double.</summary>
public sealed class TutorialEndToEndTests : IDisposable
{
    private const string KvV1Policy = """
        path "kv/*" {
           capabilities = [ "create", "read", "delete", "list" ]
        }
        """;

    private const string KvV2Policy = """
        path "kv/data/*" {
           capabilities = [ "create", "read" ]
        }
        path "kv/metadata/*" {
           capabilities = [ "list", "delete" ]
        }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-tutorial-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task Tutorial_KesgwServerOnVault_CreateGenerateDecryptListDescribeDelete(string version)
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        var (roleId, secretId) = ProvisionAsTheTutorialDoes(vault, version);
        using var admin = ApiKey.Generate();
        await WriteServerFilesAsync(vault, admin.Identity.Value, version, roleId, secretId);

        await using var server = KesgwServerProcess.Start(_dir, "server", "--config", "config.yml", "--addr", "127.0.0.1:0");
        await server.WaitForStdoutAsync("Server is up and running");
        Assert.Contains(server.StdoutSeen, l => l.Contains("Hashicorp Vault: " + vault.Address.ToString().TrimEnd('/'), StringComparison.Ordinal));
        using var kes = Client(server, admin);

        await kes.CreateKeyAsync("my-key-1", Ct);
        var dek = await kes.GenerateKeyAsync("my-key-1", "e30="u8.ToArray(), Ct);
        var plaintext = await kes.DecryptAsync("my-key-1", dek.Ciphertext, "e30="u8.ToArray(), Ct);
        var names = await kes.ListKeysAsync("*", Ct);
        var described = await kes.DescribeKeyAsync("my-key-1", Ct);
        var exists = await Assert.ThrowsAsync<KesException>(() => kes.CreateKeyAsync("my-key-1", Ct));

        Assert.Equal(dek.Plaintext, plaintext);
        Assert.Equal(["minio-encryption-key-alpha", "my-key-1"], names.Names);
        Assert.Equal(admin.Identity.Value, described.CreatedBy);
        Assert.Equal(KesErrors.KeyExists, exists.Error);

        // The stored value is a KES key version, at KES's path, in a field named after the key.
        var stored = ReadStored(vault, version, "my-key-1");
        using (var key = KeyVersion.Parse(stored))
        {
            Assert.NotNull(key.HmacKey);
        }

        await kes.DeleteKeyAsync("my-key-1", Ct);
        var missing = await Assert.ThrowsAsync<KesException>(() => kes.DescribeKeyAsync("my-key-1", Ct));
        Assert.Equal(KesErrors.KeyNotFound, missing.Error);
        Assert.Null(version == "v1" ? vault.ReadKv("kv", "my-key-1") : vault.ReadKvMetadata("kv", "my-key-1")?.ToJsonString());

        // Only what the tutorial's policy allows was asked of Vault: no request was refused.
        Assert.DoesNotContain(vault.Journal.Entries, r => r.ResponseStatus == 403);
        Assert.All(vault.Journal.Entries.Where(r => r.VaultPath.StartsWith("sys/health", StringComparison.Ordinal)), r => Assert.Null(r.Namespace));
    }

    [Fact]
    public async Task KeysKesStoredInVault_DecryptKesCiphertexts()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        var (roleId, secretId) = ProvisionAsTheTutorialDoes(vault, "v1");

        // As KES v0.1–v0.19 stored a key (legacy JSON) and as KES ≥ 2024 stores one (protobuf), from key-versions.json.
        using var versions = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, "key-versions.json")));
        var legacy = versions.RootElement.GetProperty("parse").EnumerateArray().First(e => e.GetProperty("raw").GetString() == "{\"bytes\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}");
        var protobuf = versions.RootElement.GetProperty("parse").EnumerateArray().First(e => e.GetProperty("raw").GetString()!.StartsWith("CiQK", StringComparison.Ordinal));
        vault.WriteKv("kv", "legacy-k0", new System.Text.Json.Nodes.JsonObject { ["legacy-k0"] = legacy.GetProperty("raw").GetString() });
        vault.WriteKv("kv", "kes-2024", new System.Text.Json.Nodes.JsonObject { ["kes-2024"] = protobuf.GetProperty("raw").GetString() });

        using var admin = ApiKey.Generate();
        await WriteServerFilesAsync(vault, admin.Identity.Value, "v1", roleId, secretId);
        await using var server = KesgwServerProcess.Start(_dir, "server", "--config", "config.yml", "--addr", "127.0.0.1:0");
        await server.WaitForStdoutAsync("Server is up and running");
        using var kes = Client(server, admin);

        using var decrypt = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, "decrypt.json")));
        var k0Vectors = decrypt.RootElement.GetProperty("vectors").EnumerateArray()
            .Where(v => v.GetProperty("key_type").GetString() == "AES256"
                        && v.GetProperty("key_b64").GetString() == "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
                        && v.GetProperty("expect").GetString() == "plaintext")
            .ToList();
        Assert.NotEmpty(k0Vectors);
        foreach (var vector in k0Vectors)
        {
            var ciphertext = vector.TryGetProperty("ciphertext_text", out var text) && text.ValueKind == JsonValueKind.String
                ? System.Text.Encoding.UTF8.GetBytes(text.GetString()!)
                : Convert.FromBase64String(vector.GetProperty("ciphertext_b64").GetString()!);
            var context = vector.GetProperty("associated_data_b64").ValueKind == JsonValueKind.String
                ? Convert.FromBase64String(vector.GetProperty("associated_data_b64").GetString()!)
                : [];

            var plaintext = await kes.DecryptAsync("legacy-k0", ciphertext, context, Ct);

            Assert.Equal(Convert.FromBase64String(vector.GetProperty("expected_plaintext_b64").GetString()!), plaintext);
        }

        var describe = await kes.DescribeKeyAsync("kes-2024", Ct);
        Assert.Equal("3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22", describe.CreatedBy);
        var mac = await kes.HmacAsync("kes-2024", "msg"u8.ToArray(), Ct);
        Assert.Equal(32, mac.Length);
    }

    private static (string RoleId, string SecretId) ProvisionAsTheTutorialDoes(VaultDouble vault, string version)
    {
        // vault secrets enable -version=N kv; vault policy write kes-policy kes-policy.hcl; vault auth enable approle;
        // vault write auth/approle/role/kes-server token_num_uses=0 secret_id_num_uses=0 period=5m policies=kes-policy
        vault.EnableKv("kv", version == "v2" ? 2 : 1);
        vault.WritePolicy("kes-policy", version == "v2" ? KvV2Policy : KvV1Policy);
        vault.EnableAppRole();
        vault.WriteAppRole("kes-server", policies: ["kes-policy"], period: TimeSpan.FromMinutes(5), tokenNumUses: 0, secretIdNumUses: 0);
        return (vault.ReadRoleId("kes-server"), vault.GenerateSecretId("kes-server"));
    }

    private async Task WriteServerFilesAsync(VaultDouble vault, string admin, string version, string roleId, string secretId)
    {
        // kes identity new --key server.key --cert server.cert --ip "127.0.0.1" --dns localhost (ECDSA, so .NET can serve it)
        var serverCertificate = TestCertificates.CreateServer()[0];
        await File.WriteAllTextAsync(Path.Combine(_dir, "public.crt"), serverCertificate.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(Path.Combine(_dir, "private.key"), serverCertificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), Ct);
        await File.WriteAllTextAsync(Path.Combine(_dir, "vault.crt"), vault.CaCertificatePem, Ct);

        // The tutorial's config.yml, with its placeholders filled, plus the reference's keys: and the tls.ca of its
        // advanced section (the double's certificate is self-signed, as the tutorial's dev Vault is not).
        await File.WriteAllTextAsync(Path.Combine(_dir, "config.yml"), $"""
            admin:
              # Use the identity generated above by 'kes identity new'.
              identity: "{admin}"

            tls:
              key: private.key    # The KES server TLS private key
              cert: public.crt    # The KES server TLS certificate

            keys:
              - name: "minio-encryption-key-alpha"

            keystore:
               vault:
                 endpoint: {vault.Address.ToString().TrimEnd('/')}
                 version:  {version} # The K/V engine version - either "v1" or "v2".
                 engine:   kv # The engine path of the K/V engine. The default is "kv".
                 approle:
                   id:     "{roleId}" # Your AppRole ID
                   secret: "{secretId}" # Your AppRole Secret
                   retry:  15s
                 status:
                   ping: 10s
                 tls:
                   ca: vault.crt
            """, Ct);
    }

    private static KesClient Client(KesgwServerProcess server, ApiKey apiKey)
    {
        var address = server.StdoutSeen.First(l => l.StartsWith("API ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        return new KesClient(new KesClientOptions { Endpoints = [address], ApiKey = apiKey, Insecure = true });
    }

    private static string ReadStored(VaultDouble vault, string version, string name)
    {
        var document = version == "v1" ? vault.ReadKvObject("kv", name) : vault.ReadKvObject("kv", name, version: 1);
        Assert.NotNull(document);
        return document![name]!.GetValue<string>();
    }
}

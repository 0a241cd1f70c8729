using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using KesGateway.Cli.Infrastructure;
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

    [Fact]
    public async Task Tutorial_KesCliAccess_AsAScriptWithKesgw()
    {
        // The section's commands as the tutorial prints them, checked against the tutorial when it is beside the repository.
        var section = string.Join('\n', CliAccessSection);
        if (TutorialCliCommands() is { } fromTutorial)
        {
            Assert.Equal(CliAccessSection, fromTutorial);
        }

        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        var (roleId, secretId) = ProvisionAsTheTutorialDoes(vault, "v1");
        using var admin = ApiKey.Generate();
        await WriteServerFilesAsync(vault, admin.Identity.Value, "v1", roleId, secretId);
        await using var server = KesgwServerProcess.Start(_dir, "server", "--config", "config.yml", "--addr", "127.0.0.1:0");
        await server.WaitForStdoutAsync("Server is up and running");
        var address = ServerAddress(server);

        // kes → kesgw (on PATH, as an installed kesgw would be); the tutorial's server address and example API key
        // replaced by this server's ("Replace the value with your server's API Key").
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var kesgw = Path.Combine(bin, "kesgw");
        await File.WriteAllTextAsync(kesgw, $"#!/bin/sh\nexec \"{KesgwProcess.DotnetHost()}\" \"{KesgwProcess.KesgwDll()}\" \"$@\"\n", Ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(kesgw, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var script = Path.Combine(_dir, "kes-cli-access.sh");
        await File.WriteAllTextAsync(script, "set -e\n" + section
            .Replace("\nkes ", "\nkesgw ", StringComparison.Ordinal)
            .Replace("https://127.0.0.1:7373", address, StringComparison.Ordinal)
            .Replace("kes:v1:ABfa1xsnIV0lltXQC8tHXic8lte7J6hT7EoGv6+s5QCW", admin.ToString(), StringComparison.Ordinal) + "\n", Ct);
        var path = bin + ":" + Environment.GetEnvironmentVariable("PATH");

        // The tutorial never creates my-key-1: against a fresh server the DEK fails and says how to create it.
        var withoutKey = await RunScriptAsync(script, path);
        var created = await KesgwProcess.RunAsync(new Dictionary<string, string> { ["KES_SERVER"] = address, ["KES_API_KEY"] = admin.ToString() }, "key", "create", "my-key-1", "-k");
        var withKey = await RunScriptAsync(script, path);

        Assert.Equal(CliExitCodes.NotFound, withoutKey.ExitCode);
        Assert.Equal("Error: failed to generate a data key with key 'my-key-1': key does not exist. Create it with 'kesgw key create my-key-1'\n", withoutKey.Stderr);
        Assert.Equal(0, created.ExitCode);
        Assert.True(withKey.ExitCode == 0, withKey.Stderr);
        Assert.Empty(withKey.Stderr);
        var lines = withKey.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("{\"version\":", withoutKey.Stdout, StringComparison.Ordinal);
        using var status = JsonDocument.Parse(lines[0]);
        Assert.False(string.IsNullOrEmpty(status.RootElement.GetProperty("version").GetString()));
        Assert.False(status.RootElement.TryGetProperty("keystore_unreachable", out _));
        using var dek = JsonDocument.Parse(lines[1]);
        var plaintext = dek.RootElement.GetProperty("plaintext").GetBytesFromBase64();
        var ciphertext = dek.RootElement.GetProperty("ciphertext").GetBytesFromBase64();
        Assert.Equal(32, plaintext.Length);
        using var kes = Client(server, admin);
        Assert.Equal(plaintext, await kes.DecryptAsync("my-key-1", ciphertext, cancellationToken: Ct));
    }

    private static readonly string[] CliAccessSection =
    [
        "export KES_SERVER=https://127.0.0.1:7373",
        "export KES_API_KEY=kes:v1:ABfa1xsnIV0lltXQC8tHXic8lte7J6hT7EoGv6+s5QCW",
        "kes status -k",
        "kes key dek my-key-1 -k",
    ];

    // The shell commands of the tutorial's "KES CLI Access" section, or null when the tutorial is not beside the repository.
    private static string[]? TutorialCliCommands()
    {
        var tutorial = Path.Combine(TestPaths.Vectors, "..", "spec", "seed-vault-tutorial.md");
        if (!File.Exists(tutorial))
        {
            return null;
        }

        var text = File.ReadAllText(tutorial);
        var start = text.IndexOf("## KES CLI Access", StringComparison.Ordinal);
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return [.. text[start..end].Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("export ", StringComparison.Ordinal) || l.StartsWith("kes ", StringComparison.Ordinal))];
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunScriptAsync(string script, string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        KesgwProcess.SetEnvironment(start, new Dictionary<string, string> { ["PATH"] = path });
        start.ArgumentList.Add(script);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string ServerAddress(KesgwServerProcess server) =>
        server.StdoutSeen.First(l => l.StartsWith("API ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];

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
        var address = ServerAddress(server);
        return new KesClient(new KesClientOptions { Endpoints = [address], ApiKey = apiKey, Insecure = true });
    }

    private static string ReadStored(VaultDouble vault, string version, string name)
    {
        var document = version == "v1" ? vault.ReadKvObject("kv", name) : vault.ReadKvObject("kv", name, version: 1);
        Assert.NotNull(document);
        return document![name]!.GetValue<string>();
    }
}

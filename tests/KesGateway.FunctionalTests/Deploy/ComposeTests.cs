using System.Diagnostics;
using KesGateway.Core.Identity;
using KesGateway.FunctionalTests.Cli;
using KesGateway.Server.Configuration;
using YamlDotNet.RepresentationModel;

namespace KesGateway.FunctionalTests.Deploy;

/// <summary>deploy/compose: the Vault tutorial's stack. Docker cannot run here, so what it relies on is checked.</summary>
public sealed class ComposeTests
{
    private const string Compose = "deploy/compose/compose.yaml";
    private const string Config = "deploy/compose/kesgw/config.yml";

    private static readonly YamlMappingNode File = DeployFiles.Yaml(Compose);

    private static YamlNode Service(string name) => File.Get("services", name) ?? throw new InvalidOperationException($"no service '{name}'");

    [Fact]
    public void Compose_HasTheTutorialsServices()
    {
        var services = File.Entries("services").Select(e => ((YamlScalarNode)e.Key).Value).ToArray();

        Assert.Equal(["vault", "vault-init", "kesgw-init", "kesgw", "minio"], services);
        Assert.Contains("-dev", Service("vault").Items("command").Select(n => ((YamlScalarNode)n).Value));
    }

    [Fact]
    public void Compose_EveryBindMountBuildContextAndNamedVolume_Exists()
    {
        var composeDir = Path.GetDirectoryName(DeployFiles.PathOf(Compose))!;
        var declaredVolumes = File.Entries("volumes").Select(e => ((YamlScalarNode)e.Key).Value).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, service) in File.Entries("services"))
        {
            foreach (var volume in service.Items("volumes").Select(v => ((YamlScalarNode)v).Value!))
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith('.'))
                {
                    var path = Path.GetFullPath(Path.Combine(composeDir, source));
                    Assert.True(System.IO.File.Exists(path) || Directory.Exists(path), $"{key}: bind mount '{source}' does not exist");
                }
                else
                {
                    Assert.Contains(source, declaredVolumes);
                }
            }

            if (service.Get("build") is { } build)
            {
                var context = Path.GetFullPath(Path.Combine(composeDir, build.Text("context")!));
                Assert.True(System.IO.File.Exists(Path.Combine(context, "KesGateway.sln")), $"{key}: build context {context} is not the repository");
                Assert.True(System.IO.File.Exists(Path.Combine(context, build.Text("dockerfile")!)), $"{key}: no Dockerfile");
            }

            foreach (var (dependency, _) in service.Entries("depends_on"))
            {
                Assert.NotNull(File.Get("services", ((YamlScalarNode)dependency).Value!));
            }
        }
    }

    [Fact]
    public void Compose_KesgwConfig_LoadsAndEveryVariableItNeedsIsExported()
    {
        var config = DeployFiles.LoadConfig(Config);
        var command = string.Join(' ', Service("kesgw").Items("command").Select(n => ((YamlScalarNode)n).Value));

        Assert.Equal(["KES_ADMIN_IDENTITY", "MINIO_IDENTITY", "VAULT_APPROLE_ID", "VAULT_APPROLE_SECRET"], DeployFiles.Placeholders(Config));
        Assert.All(DeployFiles.Placeholders(Config), name => Assert.Contains($" {name}=\"$$(cat ", " " + command, StringComparison.Ordinal));
        Assert.Contains("exec /app/kesgw server --config /etc/kesgw/config.yml", command, StringComparison.Ordinal);
        Assert.Contains("./kesgw/config.yml:/etc/kesgw/config.yml:ro", Service("kesgw").Items("volumes").Select(n => ((YamlScalarNode)n).Value));

        var vault = Assert.IsType<VaultKeyStoreConfig>(config.KeyStore);
        Assert.Equal("http://vault:8200", vault.Endpoint);
        Assert.NotNull(vault.AppRole);
        Assert.True(config.Api["/v1/ready"].SkipAuth, "the image's HEALTHCHECK needs /v1/ready without a policy");
    }

    [Fact]
    public void Compose_MinioUsesKesgw_WithAKeyAndPolicyTheConfigHas()
    {
        var config = DeployFiles.LoadConfig(Config);
        var minio = Service("minio");
        var endpoint = new Uri(minio.Text("environment", "MINIO_KMS_KES_ENDPOINT")!);
        var keyName = minio.Text("environment", "MINIO_KMS_KES_KEY_NAME");

        Assert.Equal(("https", "kesgw", 7373), (endpoint.Scheme, endpoint.Host, endpoint.Port));
        Assert.EndsWith(":7373", config.Address, StringComparison.Ordinal);
        Assert.Contains(keyName, config.Keys);
        Assert.Equal("/certs/server.cert", minio.Text("environment", "MINIO_KMS_KES_CAPATH"));
        Assert.Contains("export MINIO_KMS_KES_API_KEY=\"$$(cat /certs/minio.apikey)\"", string.Join(' ', minio.Items("command").Select(n => ((YamlScalarNode)n).Value)), StringComparison.Ordinal);

        var policy = Assert.Single(config.Policies);
        Assert.Equal([DeployFiles.Placeholder("MINIO_IDENTITY")], policy.Identities);
        foreach (var route in new[] { "/v1/key/create/", "/v1/key/generate/", "/v1/key/decrypt/", "/v1/status" })
        {
            Assert.Contains(policy.Allow, pattern => route.StartsWith(pattern.TrimEnd('*'), StringComparison.Ordinal));
        }
    }

    [Fact]
    public void VaultInit_RunsTheTutorialsCommands_WithItsKvV1Policy()
    {
        var script = System.IO.File.ReadAllText(DeployFiles.PathOf("deploy/compose/vault/init.sh"));

        string[] tutorial =
        [
            "vault secrets enable -version=1 kv",
            "vault policy write kes-policy /init/kes-policy.hcl",
            "vault auth enable approle",
            "vault write auth/approle/role/kes-server token_num_uses=0 secret_id_num_uses=0 period=5m",
            "vault write auth/approle/role/kes-server policies=kes-policy",
            "vault read -field=role_id auth/approle/role/kes-server/role-id > /vault-creds/role-id",
            "vault write -f -field=secret_id auth/approle/role/kes-server/secret-id > /vault-creds/secret-id",
        ];
        Assert.All(tutorial, command => Assert.Contains(command, script, StringComparison.Ordinal));
        Assert.Equal(
            "path \"kv/*\" {\n   capabilities = [ \"create\", \"read\", \"delete\", \"list\" ]\n}\n",
            System.IO.File.ReadAllText(DeployFiles.PathOf("deploy/compose/vault/kes-policy.hcl")));
        AssertShellSyntax("deploy/compose/vault/init.sh");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task KesgwInit_WritesACertificateAndApiKeysTheConfigAccepts()
    {
        AssertShellSyntax("deploy/compose/kesgw/init.sh");
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.UserName == "root", "the script hands its files to UID 1654 with chown, which needs root on Linux");
        var dir = Directory.CreateTempSubdirectory("kesgw-init-").FullName;
        try
        {
            // The script as the container runs it, with /certs moved to a temporary folder and kesgw the built one.
            var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
            var certs = Directory.CreateDirectory(Path.Combine(dir, "certs")).FullName;
            System.IO.File.WriteAllText(Path.Combine(bin, "kesgw"), $"#!/bin/sh\nexec '{KesgwProcess.DotnetHost()}' '{KesgwProcess.KesgwDll()}' \"$@\"\n");
            System.IO.File.SetUnixFileMode(Path.Combine(bin, "kesgw"), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
            var script = System.IO.File.ReadAllText(DeployFiles.PathOf("deploy/compose/kesgw/init.sh")).Replace("cd /certs", $"cd '{certs}'", StringComparison.Ordinal);
            System.IO.File.WriteAllText(Path.Combine(dir, "init.sh"), script);

            var (exit, output) = await RunAsync("/bin/sh", [Path.Combine(dir, "init.sh")], ("PATH", bin + ":" + Environment.GetEnvironmentVariable("PATH")));

            Assert.True(exit == 0, output);
            foreach (var who in new[] { "admin", "minio" })
            {
                var apiKey = ApiKey.Parse(System.IO.File.ReadAllText(Path.Combine(certs, who + ".apikey")).Trim());
                Assert.Equal(apiKey.Identity.Value, System.IO.File.ReadAllText(Path.Combine(certs, who + ".identity")).Trim());
            }

            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(certs, "server.cert"), Path.Combine(certs, "server.key"));
            Assert.Contains("kesgw", certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.DnsName, false), StringComparison.Ordinal);
            Assert.Equal("-rw-r-----", UnixMode(Path.Combine(certs, "server.key")));

            // The config the stack runs, with the variables kesgw's command exports from these files.
            var values = new Dictionary<string, string>
            {
                ["KES_ADMIN_IDENTITY"] = System.IO.File.ReadAllText(Path.Combine(certs, "admin.identity")).Trim(),
                ["MINIO_IDENTITY"] = System.IO.File.ReadAllText(Path.Combine(certs, "minio.identity")).Trim(),
                ["VAULT_APPROLE_ID"] = "role-id",
                ["VAULT_APPROLE_SECRET"] = "secret-id",
            };
            var config = KesConfigLoader.Load(DeployFiles.PathOf(Config), name => values.GetValueOrDefault(name));
            Assert.Equal(values["KES_ADMIN_IDENTITY"], config.Admin);

            // Run again: nothing is replaced.
            var before = System.IO.File.ReadAllText(Path.Combine(certs, "admin.apikey"));
            Assert.Equal(0, (await RunAsync("/bin/sh", [Path.Combine(dir, "init.sh")], ("PATH", bin + ":" + Environment.GetEnvironmentVariable("PATH")))).Exit);
            Assert.Equal(before, System.IO.File.ReadAllText(Path.Combine(certs, "admin.apikey")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static void AssertShellSyntax(string relative)
    {
        using var sh = Process.Start(new ProcessStartInfo("/bin/sh", ["-n", DeployFiles.PathOf(relative)]) { RedirectStandardError = true })!;
        var error = sh.StandardError.ReadToEnd();
        sh.WaitForExit();
        Assert.True(sh.ExitCode == 0, $"{relative}: {error}");
    }

    internal static Task<(int Exit, string Output)> RunAsync(string file, string[] args, params (string Name, string Value)[] environment) =>
        RunInAsync(null, file, args, environment);

    internal static async Task<(int Exit, string Output)> RunInAsync(string? workingDirectory, string file, string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? string.Empty };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string UnixMode(string path)
    {
        var mode = System.IO.File.GetUnixFileMode(path);
        return "-" + Bits(UnixFileMode.UserRead, UnixFileMode.UserWrite, UnixFileMode.UserExecute)
                   + Bits(UnixFileMode.GroupRead, UnixFileMode.GroupWrite, UnixFileMode.GroupExecute)
                   + Bits(UnixFileMode.OtherRead, UnixFileMode.OtherWrite, UnixFileMode.OtherExecute);

        string Bits(UnixFileMode r, UnixFileMode w, UnixFileMode x) =>
            $"{(mode.HasFlag(r) ? 'r' : '-')}{(mode.HasFlag(w) ? 'w' : '-')}{(mode.HasFlag(x) ? 'x' : '-')}";
    }
}

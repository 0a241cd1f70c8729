namespace KesGateway.Tests.Cli;

public class ServerCommandTests
{
    [Fact]
    public async Task Server_NoConfigNoDev_IsUsageErrorExplainingBoth()
    {
        var run = await CliRunner.RunAsync(false, "server");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("Error: no config file: use '--config FILE', or '--dev' for a throwaway server", run.Stderr.TrimEnd());
    }

    [Fact]
    public async Task Server_DevAndConfig_IsUsageError()
    {
        var run = await CliRunner.RunAsync(false, "server", "--dev", "--config", "config.yml");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'--dev' and '--config' cannot be used together", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_MissingConfigFile_NamesIt()
    {
        using var dir = new TempDirectory();

        var run = await CliRunner.RunAsync(false, "server", "--config", dir.File("nope.yml"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("nope.yml", run.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("Error: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_BadAddr_IsUsageError()
    {
        var run = await CliRunner.RunAsync(false, "server", "--dev", "--addr", "localhost:7373");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--addr: 'localhost' is not an IP address", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_VaultUnreachable_FailsNamingVaultWithoutSecrets()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("config.yml"), """
            admin:
              identity: disabled
            tls:
              key: server.key
              cert: server.cert
            keystore:
              vault:
                endpoint: https://127.0.0.1:1
                approle:
                  id: role
                  secret: s3cr3t-value
            """, TestContext.Current.CancellationToken);
        await CliRunner.RunAsync(false, "identity", "new", "--key", dir.File("server.key"), "--cert", dir.File("server.cert"), "--ip", "127.0.0.1");

        var run = await CliRunner.RunAsync(false, "server", "--config", dir.File("config.yml"), "--addr", "127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("keystore.vault: cannot connect to Vault at https://127.0.0.1:1", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_Ed25519ServerKey_IsRefusedWithTheFix()
    {
        using var dir = new TempDirectory();
        await CliRunner.RunAsync(false, "identity", "new", "--type", "ed25519", "--key", dir.File("server.key"), "--cert", dir.File("server.cert"), "--ip", "127.0.0.1");
        await File.WriteAllTextAsync(dir.File("config.yml"), "admin:\n  identity: disabled\ntls:\n  key: server.key\n  cert: server.cert\nkeystore:\n  fs:\n    path: keys\n", TestContext.Current.CancellationToken);

        var run = await CliRunner.RunAsync(false, "server", "--config", dir.File("config.yml"), "--addr", "127.0.0.1:0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Ed25519", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("kesgw identity new --key server.key --cert server.cert", run.Stderr, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using KesGateway.Cli.Infrastructure;
using KesGateway.Core.Identity;
using KesGateway.FunctionalTests.Server;

namespace KesGateway.FunctionalTests.Cli;

/// <summary>Connection settings as kes reads them, failover, and the errors people act on (with their exit codes).</summary>
public sealed class ClientConnectionTests
{
    [Fact]
    public async Task NoCredentials_Exit2_NamesTheVariables()
    {
        await using var bed = await CliTestBed.StartAsync();

        var run = await new KesgwInProcess().With("KES_SERVER", bed.Address).RunAsync("status", "-k");

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Equal("Error: no API key specified. Set KES_API_KEY (or KES_CLIENT_CERT and KES_CLIENT_KEY)\n", run.Stderr);
    }

    [Fact]
    public async Task ConflictingOrIncompleteCredentials_Exit2()
    {
        await using var bed = await CliTestBed.StartAsync(CliCredentials.CertificateKind);
        using var apiKey = ApiKey.Generate();

        var both = await bed.Cli().With("KES_API_KEY", apiKey.ToString()).RunAsync("status", "-k");
        var certOnly = await new KesgwInProcess().With("KES_SERVER", bed.Address).With("KES_CLIENT_CERT", bed.Admin.CertificateFile!).RunAsync("status", "-k");
        var badKey = await new KesgwInProcess().With("KES_SERVER", bed.Address).With("KES_API_KEY", "kes:v1:c2VjcmV0").RunAsync("status", "-k");

        Assert.Equal((CliExitCodes.Usage, "Error: API key (KES_API_KEY) and client certificate or key (KES_CLIENT_CERT) cannot be used at the same time. Unset one of them\n"), (both.ExitCode, both.Stderr));
        Assert.Equal((CliExitCodes.Usage, "Error: no private key file specified for the certificate in KES_CLIENT_CERT. Set KES_CLIENT_KEY\n"), (certOnly.ExitCode, certOnly.Stderr));
        Assert.Equal(CliExitCodes.Usage, badKey.ExitCode);
        Assert.StartsWith("Error: invalid API key in KES_API_KEY: ", badKey.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", badKey.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvironmentPrecedence_MinioKesVariablesWin_MinioKmsVariablesAreLast()
    {
        await using var bed = await CliTestBed.StartAsync();
        using var stranger = ApiKey.Generate();
        var closed = $"127.0.0.1:{ClosedPort()}";

        var minioWins = await new KesgwInProcess()
            .With("MINIO_KES_SERVER", bed.Address).With("KES_SERVER", closed)
            .With("MINIO_KES_API_KEY", bed.Admin.ApiKey!.ToString()).With("KES_API_KEY", stranger.ToString())
            .RunAsync("key", "ls", "-k");
        var minioKmsOnly = await new KesgwInProcess()
            .With("MINIO_KMS_KES_ENDPOINT", bed.Address).With("MINIO_KMS_KES_API_KEY", bed.Admin.ApiKey!.ToString())
            .RunAsync("key", "ls", "-k");
        var kesBeatsMinioKms = await new KesgwInProcess()
            .With("KES_SERVER", closed).With("MINIO_KMS_KES_ENDPOINT", bed.Address).With("KES_API_KEY", bed.Admin.ApiKey!.ToString())
            .RunAsync("key", "ls", "-k");

        Assert.Equal((0, "[]\n"), (minioWins.ExitCode, minioWins.Stdout));
        Assert.Equal((0, "[]\n"), (minioKmsOnly.ExitCode, minioKmsOnly.Stdout));
        Assert.Equal(CliExitCodes.Unreachable, kesBeatsMinioKms.ExitCode);
    }

    [Fact]
    public async Task Unreachable_Exit3_SaysWhereTheAddressComesFrom()
    {
        var closed = $"127.0.0.1:{ClosedPort()}";
        using var apiKey = ApiKey.Generate();

        var run = await new KesgwInProcess().With("KES_SERVER", closed).With("KES_API_KEY", apiKey.ToString()).RunAsync("key", "create", "k", "-k");

        Assert.Equal(CliExitCodes.Unreachable, run.ExitCode);
        Assert.StartsWith($"Error: failed to create key 'k': cannot connect to {closed}: ", run.Stderr, StringComparison.Ordinal);
        Assert.EndsWith($". Is the server running? The server address comes from KES_SERVER: https://{closed}\n", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey.ToString(), run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidServer_Exit2_NamesTheVariable()
    {
        using var apiKey = ApiKey.Generate();

        var run = await new KesgwInProcess().With("KES_SERVER", "ftp://kes:7373").With("KES_API_KEY", apiKey.ToString()).RunAsync("status");
        var empty = await new KesgwInProcess().With("KES_SERVER", " , ").With("KES_API_KEY", apiKey.ToString()).RunAsync("status");

        Assert.Equal((CliExitCodes.Usage, "Error: invalid server endpoint 'ftp://kes:7373': KES is served over https:// (from KES_SERVER)\n"), (run.ExitCode, run.Stderr));
        Assert.Equal((CliExitCodes.Usage, "Error: KES_SERVER is set but names no server. Set it to the server's address, e.g. https://127.0.0.1:7373\n"), (empty.ExitCode, empty.Stderr));
    }

    [Fact]
    public async Task UntrustedServerCertificate_Exit4_SuggestsCaOrInsecure_CaOptionAndVariableWork()
    {
        await using var bed = await CliTestBed.StartAsync();
        var ca = Path.Combine(bed.Directory, "server-ca.pem");
        await File.WriteAllTextAsync(ca, bed.Server.Certificate.ExportCertificatePem(), TestContext.Current.CancellationToken);

        var untrusted = await bed.Cli().RunAsync("status");
        var withOption = await bed.Cli().RunAsync("status", "--ca", ca);
        var withVariable = await bed.Cli().With("KES_CAPATH", bed.Directory).RunAsync("status");

        Assert.Equal(CliExitCodes.Tls, untrusted.ExitCode);
        Assert.Contains("cannot verify the TLS certificate of localhost:", untrusted.Stderr, StringComparison.Ordinal);
        Assert.Contains("the certificate is self-signed and not trusted", untrusted.Stderr, StringComparison.Ordinal);
        Assert.Contains("(--ca)", untrusted.Stderr, StringComparison.Ordinal);
        Assert.Contains("-k/--insecure", untrusted.Stderr, StringComparison.Ordinal);
        Assert.Equal((0, string.Empty), (withOption.ExitCode, withOption.Stderr));
        Assert.Equal((0, string.Empty), (withVariable.ExitCode, withVariable.Stderr));
    }

    [Fact]
    public async Task Forbidden_Exit5_NamesTheIdentityAndWhereItCameFrom_NeverTheKey()
    {
        await using var bed = await CliTestBed.StartAsync();
        var user = bed.Cli(@as: bed.User);

        var denied = await user.RunAsync("key", "create", "app-1", "-k");
        var deniedByRule = await user.RunAsync("key", "decrypt", "app-secret", Convert.ToBase64String(new byte[64]), "-k");

        Assert.Equal(CliExitCodes.Forbidden, denied.ExitCode);
        Assert.Equal(
            $"Error: failed to create key 'app-1': not authorized: insufficient permissions. The server {bed.Address} does not allow identity {bed.User.Identity} (the API key in KES_API_KEY) to do this; ask its admin for a policy that allows it\n",
            denied.Stderr);
        Assert.Equal(CliExitCodes.Forbidden, deniedByRule.ExitCode);
        Assert.DoesNotContain(bed.User.ApiKey!.ToString(), denied.Stderr + deniedByRule.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_WithCertificate_NamesTheCertificateFile()
    {
        await using var bed = await CliTestBed.StartAsync();
        var stranger = CliCredentials.Create(CliCredentials.CertificateKind, bed.Directory, "stranger");

        var run = await bed.Cli(@as: stranger).RunAsync("key", "ls", "-k");

        Assert.Equal(CliExitCodes.Forbidden, run.ExitCode);
        Assert.Contains($"identity {stranger.Identity} (the client certificate in KES_CLIENT_CERT ({stranger.CertificateFile}))", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncryptedClientKey_PasswordFromVariableOrPrompt_ElseExit2()
    {
        await using var bed = await CliTestBed.StartAsync(CliCredentials.CertificateKind);
        using (var key = ECDsa.Create())
        {
            key.ImportFromPem(await File.ReadAllTextAsync(bed.Admin.KeyFile!, TestContext.Current.CancellationToken));
            var encrypted = key.ExportEncryptedPkcs8PrivateKeyPem("s3cret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
            await File.WriteAllTextAsync(bed.Admin.KeyFile!, encrypted, TestContext.Current.CancellationToken);
        }

        var fromVariable = await bed.Cli().With("KES_CLIENT_KEY_PASSWORD", "s3cret").RunAsync("key", "ls", "-k");
        var prompted = new KesgwInProcess { Password = "s3cret" }.With("KES_SERVER", bed.Address);
        bed.Admin.Apply(prompted);
        var fromPrompt = await prompted.RunAsync("key", "ls", "-k");
        var nobodyToAsk = await bed.Cli().RunAsync("key", "ls", "-k");
        var wrong = await bed.Cli().With("KES_CLIENT_KEY_PASSWORD", "wrong").RunAsync("key", "ls", "-k");

        Assert.Equal((0, "[]\n"), (fromVariable.ExitCode, fromVariable.Stdout));
        Assert.Equal((0, "[]\n"), (fromPrompt.ExitCode, fromPrompt.Stdout));
        Assert.Equal(["Enter password for private key: "], prompted.Prompts);
        Assert.Equal(CliExitCodes.Usage, nobodyToAsk.ExitCode);
        Assert.Equal($"Error: the private key '{bed.Admin.KeyFile}' (from KES_CLIENT_KEY) is encrypted. Set KES_CLIENT_KEY_PASSWORD, or run on a terminal to be asked for the password\n", nobodyToAsk.Stderr);
        Assert.Equal(CliExitCodes.Usage, wrong.ExitCode);
        Assert.Contains("wrong password?", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failover_OneServerDown_TheOtherAnswers()
    {
        using var admin = ApiKey.Generate();
        var first = await TestServer.StartAsync(TestServer.Config(admin.Identity.Value));
        await using var second = await TestServer.StartAsync(TestServer.Config(admin.Identity.Value));
        var firstAddress = first.Address.ToString().TrimEnd('/');
        var secondAddress = second.Address.ToString().TrimEnd('/');
        var cli = new KesgwInProcess { IsTerminal = true }.With("KES_SERVER", $"{firstAddress},{secondAddress}").With("KES_API_KEY", admin.ToString());

        var bothUp = await cli.RunAsync("status", "-k", "-s");
        await first.DisposeAsync();
        var firstDown = await cli.RunAsync("status", "-k", "-s");
        var created = await cli.RunAsync("key", "create", "k", "-k");
        var dek = await cli.RunAsync("key", "dek", "k", "-k");
        await second.DisposeAsync();
        var allDown = await cli.RunAsync("status", "-k");

        Assert.Equal("● " + firstAddress["https://".Length..] + "\n", bothUp.Stdout);
        Assert.Equal("● " + secondAddress["https://".Length..] + "\n", firstDown.Stdout);
        Assert.Equal((0, 0), (created.ExitCode, dek.ExitCode));
        Assert.Equal(CliExitCodes.Unreachable, allDown.ExitCode);
        Assert.StartsWith("Error: failed to read the server status: none of the 2 servers answered, the last one said: cannot connect to ", allDown.Stderr, StringComparison.Ordinal);
        Assert.EndsWith($"The server addresses come from KES_SERVER: {firstAddress}, {secondAddress}\n", allDown.Stderr, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

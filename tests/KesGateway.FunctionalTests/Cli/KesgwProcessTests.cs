using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using KesGateway.Core.Identity;

namespace KesGateway.FunctionalTests.Cli;

public sealed class KesgwProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-process-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Version_RealExecutable_PrintsOneLineAndExits0()
    {
        var (exitCode, stdout, stderr) = await KesgwProcess.RunAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Equal(KesGateway.Server.Hosting.GatewayApp.Version, stdout.TrimEnd('\r', '\n'));
        Assert.DoesNotContain('\n', stdout.TrimEnd('\r', '\n'));
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task IdentityOf_RedirectedStdout_PrintsBareIdentity()
    {
        var (exitCode, stdout, stderr) = await KesgwProcess.RunAsync(
            "identity", "of", "kes:v1:ABfa1xsnIV0lltXQC8tHXic8lte7J6hT7EoGv6+s5QCW");

        Assert.Equal(0, exitCode);
        Assert.Equal("cf6c535e738c1dd47a1d746366fde7f0309d1e0a8471b9f6e909833906afbbfa", stdout);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task IdentityNew_RedirectedStdout_PrintsJson()
    {
        var (exitCode, stdout, _) = await KesgwProcess.RunAsync("identity", "new");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(stdout);
        using var apiKey = ApiKey.Parse(json.RootElement.GetProperty("api_key").GetString()!);
        Assert.Equal(apiKey.Identity.Value, json.RootElement.GetProperty("identity").GetString());
    }

    [Fact]
    public async Task IdentityNewWithFiles_ThenOf_SameIdentityAndRefusesOverwrite()
    {
        var key = Path.Combine(_dir, "client.key");
        var cert = Path.Combine(_dir, "client.crt");

        var created = await KesgwProcess.RunAsync("identity", "new", "--key", key, "--cert", cert, "--ip", "127.0.0.1");
        var of = await KesgwProcess.RunAsync("identity", "of", cert);
        var again = await KesgwProcess.RunAsync("identity", "new", "--key", key, "--cert", cert);

        Assert.Equal(0, created.ExitCode);
        using var json = JsonDocument.Parse(created.Stdout);
        var identity = json.RootElement.GetProperty("identity").GetString();
        Assert.Equal(identity, of.Stdout);
        using var pair = X509Certificate2.CreateFromPemFile(cert, key);
        Assert.Equal(identity, CertificateIdentity.Of(pair).Value);
        Assert.Equal(2, again.ExitCode);
        Assert.Equal($"Error: private key file '{key}' already exists. Use -f/--force to overwrite it", again.Stderr.TrimEnd());
        Assert.Empty(again.Stdout);
    }

    [Fact]
    public async Task BadApiKey_RealExecutable_Exit2WithoutStackTrace()
    {
        var (exitCode, stdout, stderr) = await KesgwProcess.RunAsync("identity", "of", "kes:v1:sbDvZFqUPFFwxRS4EkuoEb2nyyInkdKSUEYHXFHeTouW");

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Equal("Error: kes: invalid API key: unsupported type", stderr.TrimEnd());
    }

    [Fact]
    public async Task UnknownOption_RealExecutable_Exit2AndNothingOnStdout()
    {
        var (exitCode, stdout, stderr) = await KesgwProcess.RunAsync("identity", "of", "x", "--bogus");

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.StartsWith("Error: unrecognized command or argument '--bogus'", stderr, StringComparison.Ordinal);
    }
}

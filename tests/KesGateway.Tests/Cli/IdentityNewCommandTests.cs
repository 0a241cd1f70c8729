using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using KesGateway.Cli.Infrastructure;
using KesGateway.Core.Identity;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Cli;

public sealed partial class IdentityNewCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 5, 26, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task New_Terminal_PrintsKesText()
    {
        var run = await CliRunner.RunAsync(true, "identity", "new");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Empty(run.Stderr);
        var match = KesTextWithoutFiles().Match(run.Stdout);
        Assert.True(match.Success, run.Stdout);
        using var apiKey = ApiKey.Parse(match.Groups["key"].Value);
        Assert.Equal(apiKey.Identity.Value, match.Groups["id"].Value);
        Assert.Equal(apiKey.ToString(), match.Groups["again"].Value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task New_JsonFlagOrNotTerminal_PrintsApiKeyAndIdentityJson(bool isTerminal)
    {
        var run = isTerminal
            ? await CliRunner.RunAsync(true, "identity", "new", "--json")
            : await CliRunner.RunAsync(false, "identity", "new");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.EndsWith("}\n", run.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(["api_key", "identity"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var text = json.RootElement.GetProperty("api_key").GetString()!;
        using var apiKey = ApiKey.Parse(text);
        Assert.Equal(apiKey.Identity.Value, json.RootElement.GetProperty("identity").GetString());
        Assert.DoesNotContain("\\u002B", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_TwoRuns_DifferentKeys()
    {
        var first = await CliRunner.RunAsync(false, "identity", "new");
        var second = await CliRunner.RunAsync(false, "identity", "new");

        Assert.NotEqual(first.Stdout, second.Stdout);
    }

    [Fact]
    public async Task NewWithFiles_Ecdsa_PairLoadsAndIdentityMatchesOutput()
    {
        var key = _dir.File("client.key");
        var cert = _dir.File("client.crt");

        var run = await CliRunner.RunAsync(false, new FakeTimeProvider(Now), "identity", "new", "--key", key, "--cert", cert);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(["identity", "private_key_file", "certificate_file"], json.RootElement.EnumerateObject().Select(p => p.Name));
        using var pair = X509Certificate2.CreateFromPemFile(cert, key);
        Assert.True(pair.HasPrivateKey);
        Assert.Equal(json.RootElement.GetProperty("identity").GetString(), CertificateIdentity.Of(pair).Value);
        Assert.Equal("CN=" + CertificateIdentity.Of(pair).Value, pair.Subject);
        Assert.Equal(Now, new DateTimeOffset(pair.NotBefore.ToUniversalTime()));
        Assert.Equal(Now.AddHours(720), new DateTimeOffset(pair.NotAfter.ToUniversalTime()));
        Assert.Equal(key, json.RootElement.GetProperty("private_key_file").GetString());
        Assert.Equal(cert, json.RootElement.GetProperty("certificate_file").GetString());
    }

    [Fact]
    public async Task NewWithFiles_Terminal_PrintsIdentityAndPaths()
    {
        var key = _dir.File("server.key");
        var cert = _dir.File("server.crt");

        var run = await CliRunner.RunAsync(true, "identity", "new", "--key", key, "--cert", cert);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(cert, TestContext.Current.CancellationToken));
        var identity = CertificateIdentity.Of(certificate).Value;
        Assert.Equal(
            $"""
            Your Identity:

               {identity}

            The identity is not a secret. It can be shared. Any peer
            needs this identity in order to verify your certificate.

            The generated TLS private key is stored at: {key}
            The generated TLS certificate is stored at: {cert}

            The identity can be computed again via:

                kesgw identity of {cert}

            """.ReplaceLineEndings("\n"),
            run.Stdout);
    }

    [Fact]
    public async Task NewWithFiles_Ed25519Terminal_PrintsKesTextWithApiKeyAndFiles()
    {
        var key = _dir.File("private.key");
        var cert = _dir.File("public.crt");

        var run = await CliRunner.RunAsync(true, "identity", "new", "--type", "ed25519", "--key", key, "--cert", cert, "myname");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        using var apiKey = ApiKey.FromPkcs8PrivateKeyPem(await File.ReadAllTextAsync(key, TestContext.Current.CancellationToken));
        Assert.Equal(
            $"""
            Your API key:

               {apiKey}

            This is the only time it is shown. Keep it secret and secure!

            Your Identity:

               {apiKey.Identity}

            The identity is not a secret. It can be shared. Any peer
            needs this identity in order to verify your API key.

            The generated TLS private key is stored at: {key}
            The generated TLS certificate is stored at: {cert}

            The identity can be computed again via:

                kesgw identity of {apiKey}
                kesgw identity of {cert}

            """.ReplaceLineEndings("\n"),
            run.Stdout);
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(cert, TestContext.Current.CancellationToken));
        Assert.Equal("CN=myname", certificate.Subject);
        Assert.Equal(apiKey.Identity, CertificateIdentity.Of(certificate));
    }

    [Fact]
    public async Task NewWithFiles_SansAndExpiry_WrittenToCertificate()
    {
        var key = _dir.File("k.pem");
        var cert = _dir.File("c.pem");

        var run = await CliRunner.RunAsync(
            false,
            new FakeTimeProvider(Now),
            "identity", "new", "--key", key, "--cert", cert, "--ip", "192.168.0.182", "--ip", "10.0.0.92,::1",
            "--dns", "kes.local", "--expiry", "8760h", "kes-server.local");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(cert, TestContext.Current.CancellationToken));
        Assert.Equal("CN=kes-server.local", certificate.Subject);
        Assert.Equal(Now.AddHours(8760), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["kes.local"], san.EnumerateDnsNames());
        Assert.Equal(["192.168.0.182", "10.0.0.92", "::1"], san.EnumerateIPAddresses().Select(ip => ip.ToString()));
    }

    [Fact]
    public async Task NewWithFiles_Unix_KeyIsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes");
            return;
        }

        var key = _dir.File("k.pem");
        var cert = _dir.File("c.pem");

        var run = await CliRunner.RunAsync(false, "identity", "new", "--key", key, "--cert", cert);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(cert));
        Assert.Equal(["c.pem", "k.pem"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData(true, false, "private key file")]
    [InlineData(false, true, "certificate file")]
    public async Task NewWithFiles_ExistingFileWithoutForce_RefusesAndKeepsIt(bool keyExists, bool certExists, string what)
    {
        var key = _dir.File("k.pem");
        var cert = _dir.File("c.pem");
        if (keyExists)
        {
            await File.WriteAllTextAsync(key, "old", TestContext.Current.CancellationToken);
        }

        if (certExists)
        {
            await File.WriteAllTextAsync(cert, "old", TestContext.Current.CancellationToken);
        }

        var run = await CliRunner.RunAsync(false, "identity", "new", "--key", key, "--cert", cert);

        var existing = keyExists ? key : cert;
        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal($"Error: {what} '{existing}' already exists. Use -f/--force to overwrite it\n", run.Stderr.ReplaceLineEndings("\n"));
        Assert.Equal("old", await File.ReadAllTextAsync(existing, TestContext.Current.CancellationToken));
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Theory]
    [InlineData("-f")]
    [InlineData("--force")]
    public async Task NewWithFiles_ExistingFilesWithForce_Overwrites(string force)
    {
        var key = _dir.File("k.pem");
        var cert = _dir.File("c.pem");
        await File.WriteAllTextAsync(key, "old", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(cert, "old", TestContext.Current.CancellationToken);

        var run = await CliRunner.RunAsync(false, "identity", "new", "--key", key, "--cert", cert, force);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        using var pair = X509Certificate2.CreateFromPemFile(cert, key);
        Assert.True(pair.HasPrivateKey);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }
    }

    [Theory]
    [InlineData("--ip", "1.2.3", "Error: invalid IP address '1.2.3'")]
    [InlineData("--ip", "256.1.1.1", "Error: invalid IP address '256.1.1.1'")]
    [InlineData("--ip", "01.2.3.4", "Error: invalid IP address '01.2.3.4'")]
    [InlineData("--ip", "localhost", "Error: invalid IP address 'localhost'")]
    [InlineData("--ip", "fe80::1%eth0", "Error: invalid IP address 'fe80::1%eth0'")]
    [InlineData("--ip", "1.2.3.4,x", "Error: invalid IP address 'x'")]
    [InlineData("--dns", "bad name", "Error: invalid DNS name 'bad name'")]
    [InlineData("--expiry", "10", "Error: invalid --expiry '10': time: missing unit in duration \"10\"")]
    [InlineData("--expiry", "1d", "Error: invalid --expiry '1d': time: unknown unit \"d\" in duration \"1d\"")]
    [InlineData("--expiry", "-1h", "Error: invalid --expiry '-1h': must be positive")]
    [InlineData("--type", "rsa", "Error: invalid --type 'rsa': use 'ecdsa' or 'ed25519'")]
    public async Task NewWithFiles_BadOptionValue_Exit2WithMessage(string option, string value, string message)
    {
        var key = _dir.File("k.pem");
        var cert = _dir.File("c.pem");

        var run = await CliRunner.RunAsync(false, "identity", "new", "--key", key, "--cert", cert, option, value);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Stdout);
        var lines = run.Stderr.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(message, lines[0]);
        Assert.Equal("See 'kesgw identity new --help'.", lines[1]);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Theory]
    [InlineData(new[] { "--key", "k.pem" }, "Error: private key file specified but no certificate file. Set the '--cert' flag")]
    [InlineData(new[] { "--cert", "c.pem" }, "Error: certificate file specified but no private key file. Set the '--key' flag")]
    [InlineData(new[] { "--ip", "1.2.3.4" }, "Error: '--ip' requires a private key and certificate file. Set the '--cert' and '--key' flag")]
    [InlineData(new[] { "--dns", "a.b" }, "Error: '--dns' requires a private key and certificate file. Set the '--cert' and '--key' flag")]
    [InlineData(new[] { "--expiry", "1h" }, "Error: '--expiry' requires a private key and certificate file. Set the '--cert' and '--key' flag")]
    [InlineData(new[] { "--type", "ed25519" }, "Error: '--type' requires a private key and certificate file. Set the '--cert' and '--key' flag")]
    [InlineData(new[] { "-f" }, "Error: '--force' requires a private key and certificate file. Set the '--cert' and '--key' flag")]
    [InlineData(new[] { "subject" }, "Error: 'SUBJECT' requires a private key and certificate file. Set the '--cert' and '--key' flag")]
    [InlineData(new[] { "--bogus" }, "Error: unknown option '--bogus'. See 'kesgw identity new --help'")]
    [InlineData(new[] { "--key", "same.pem", "--cert", "same.pem" }, "Error: --key and --cert must name different files")]
    [InlineData(new[] { "a", "b" }, "Error: unrecognized command or argument 'b'")]
    public async Task New_InconsistentOptions_Exit2WithMessage(string[] options, string message)
    {
        var run = await CliRunner.RunAsync(false, ["identity", "new", .. options]);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal(message, run.Stderr.ReplaceLineEndings("\n").Split('\n')[0]);
    }

    [Fact]
    public async Task NewWithFiles_MissingDirectory_Exit2AndNothingWritten()
    {
        var key = Path.Combine(_dir.Path, "missing", "k.pem");
        var cert = _dir.File("c.pem");

        var run = await CliRunner.RunAsync(false, "identity", "new", "--key", key, "--cert", cert);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.StartsWith($"Error: cannot write private key file '{key}': directory", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task NewWithFiles_CertificateDirectoryMissing_RemovesWrittenKey()
    {
        var key = _dir.File("k.pem");
        var cert = Path.Combine(_dir.Path, "missing", "c.pem");

        var run = await CliRunner.RunAsync(false, "identity", "new", "--key", key, "--cert", cert);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.False(File.Exists(key));
    }

    [GeneratedRegex(
        """
        ^Your API key:\n\n   (?<key>kes:v1:[A-Za-z0-9+/]{44})\n\nThis is the only time it is shown\. Keep it secret and secure!\n\nYour Identity:\n\n   (?<id>[0-9a-f]{64})\n\nThe identity is not a secret\. It can be shared\. Any peer\nneeds this identity in order to verify your API key\.\n\nThe identity can be computed again via:\n\n    kesgw identity of (?<again>kes:v1:[A-Za-z0-9+/]{44})\n\n\z
        """)]
    private static partial Regex KesTextWithoutFiles();
}

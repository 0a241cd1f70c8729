using KesGateway.Cli.Infrastructure;
using KesGateway.Core.Identity;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Cli;

public sealed class IdentityOfCommandTests : IDisposable
{
    private const string TutorialKey = "kes:v1:ABfa1xsnIV0lltXQC8tHXic8lte7J6hT7EoGv6+s5QCW";
    private const string TutorialIdentity = "cf6c535e738c1dd47a1d746366fde7f0309d1e0a8471b9f6e909833906afbbfa";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Of_ApiKeyNotTerminal_PrintsBareIdentity()
    {
        var run = await CliRunner.RunAsync(false, "identity", "of", TutorialKey);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal(TutorialIdentity, run.Stdout);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task Of_ApiKeyTerminal_PrintsKesText()
    {
        var run = await CliRunner.RunAsync(true, "identity", "of", TutorialKey);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal($"Identity:\n\n   {TutorialIdentity}\n", run.Stdout);
    }

    [Fact]
    public async Task Of_BareBase64ApiKey_PrintsIdentity()
    {
        var run = await CliRunner.RunAsync(false, "identity", "of", TutorialKey["kes:v1:".Length..]);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal(TutorialIdentity, run.Stdout);
    }

    [Theory]
    [InlineData("kes:v1:ABfa", "Error: kes: invalid API key: invalid length")]
    [InlineData("kes:v1:sbDvZFqUPFFwxRS4EkuoEb2nyyInkdKSUEYHXFHeTouW", "Error: kes: invalid API key: unsupported type")]
    [InlineData("kes:v1:ABfa1xsnIV0lltXQC8tHXic8lte7J6hT7EoGv6+s5QC!", "Error: kes: invalid API key: illegal base64 data at input byte 43")]
    public async Task Of_BadApiKey_Exit2WithReasonAndNoKeyMaterial(string input, string message)
    {
        var run = await CliRunner.RunAsync(false, "identity", "of", input);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal(message + "\n", run.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Of_MissingFile_Exit2()
    {
        var path = _dir.File("nope.crt");

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Equal($"Error: file '{path}' not found (expected an API key 'kes:v1:…' or a PEM file)\n", run.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Of_Directory_Exit2()
    {
        var run = await CliRunner.RunAsync(false, "identity", "of", _dir.Path);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Contains("is a directory", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Of_NotPem_Exit2()
    {
        var path = await WriteAsync("notes.txt", "hello");

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Equal($"Error: '{path}' contains no valid PEM certificate or private key\n", run.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Of_CorruptCertificate_Exit2()
    {
        var path = await WriteAsync("bad.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.StartsWith($"Error: failed to parse certificate in '{path}': ", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CertificateVectors))]
    public async Task Of_VectorCertificateFile_PrintsExpectedIdentity(string name)
    {
        var vector = IdentityVectors.CertificateIdentities.Single(v => v.Name == name);
        var path = await WriteAsync("cert.pem", vector.CertificatePem);

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal(vector.ExpectedIdentity, run.Stdout);
    }

    public static TheoryData<string> CertificateVectors => new(IdentityVectors.CertificateIdentities.Select(v => v.Name));

    [Fact]
    public async Task Of_RootKeyFile_PrintsPlayApiKey()
    {
        var vector = IdentityVectors.CertificateIdentities.Single(v => v.Name == "root.cert");
        var path = await WriteAsync("root.key", vector.PrivateKeyPem!);

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal("kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc", run.Stdout);
    }

    [Fact]
    public async Task Of_RootKeyFileTerminal_PrintsApiKeyText()
    {
        var vector = IdentityVectors.CertificateIdentities.Single(v => v.Name == "root.cert");
        var path = await WriteAsync("root.key", vector.PrivateKeyPem!);

        var run = await CliRunner.RunAsync(true, "identity", "of", path);

        Assert.Equal(
            $"Your API key:\n\n   kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc\n\nIt corresponds to the private key in: {path}.\nKeep it secret and secure!\n",
            run.Stdout);
    }

    [Fact]
    public async Task Of_EcdsaKeyFile_Exit2Unsupported()
    {
        using var ecdsa = System.Security.Cryptography.ECDsa.Create();
        var path = await WriteAsync("ec.key", ecdsa.ExportPkcs8PrivateKeyPem());

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Equal(
            $"Error: cannot convert the private key in '{path}' to an API key: unsupported ECDSA private key: only Ed25519 private keys are supported\n",
            run.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Of_ChainFile_PrintsIdentityOfTheLeaf()
    {
        using var ca = TestCertificates.Authority();
        using var leaf = TestCertificates.Leaf();
        var path = await WriteAsync("chain.pem", ca.ExportCertificatePem() + "\n" + leaf.ExportCertificatePem() + "\n");

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal(CertificateIdentity.Of(leaf).Value, run.Stdout);
    }

    [Fact]
    public async Task Of_TwoLeaves_Exit2()
    {
        using var first = TestCertificates.Leaf("a");
        using var second = TestCertificates.Leaf("b");
        var path = await WriteAsync("two.pem", first.ExportCertificatePem() + "\n" + second.ExportCertificatePem());

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Equal(
            $"Error: '{path}' contains more than one non-CA certificate; KES would reject it (tls: received more than one client certificate)\n",
            run.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Of_SingleCaCertificate_PrintsIdentityWithWarning()
    {
        using var ca = TestCertificates.Authority();
        var path = await WriteAsync("ca.pem", ca.ExportCertificatePem());

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal(CertificateIdentity.Of(ca).Value, run.Stdout);
        Assert.StartsWith("Warning: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("CA=true", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Of_OnlyCaCertificates_Exit2()
    {
        using var first = TestCertificates.Authority("a");
        using var second = TestCertificates.Authority("b");
        var path = await WriteAsync("cas.pem", first.ExportCertificatePem() + "\n" + second.ExportCertificatePem());

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(CliExitCodes.Usage, run.ExitCode);
        Assert.Contains("tls: client certificate is required", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Of_CertificateAndKeyInOneFile_PrefersCertificate()
    {
        var vector = IdentityVectors.CertificateIdentities.Single(v => v.Name == "root.cert");
        var path = await WriteAsync("both.pem", vector.PrivateKeyPem + vector.CertificatePem);

        var run = await CliRunner.RunAsync(false, "identity", "of", path);

        Assert.Equal(vector.ExpectedIdentity, run.Stdout);
    }

    [Fact]
    public async Task Of_NewIdentityFiles_AgreeWithNewOutput()
    {
        var key = _dir.File("k.pem");
        var cert = _dir.File("c.pem");
        var created = await CliRunner.RunAsync(false, "identity", "new", "--type", "ed25519", "--key", key, "--cert", cert);
        using var json = System.Text.Json.JsonDocument.Parse(created.Stdout);

        var ofCert = await CliRunner.RunAsync(false, "identity", "of", cert);
        var ofKey = await CliRunner.RunAsync(false, "identity", "of", key);
        var ofApiKey = await CliRunner.RunAsync(false, "identity", "of", json.RootElement.GetProperty("api_key").GetString()!);

        Assert.Equal(json.RootElement.GetProperty("identity").GetString(), ofCert.Stdout);
        Assert.Equal(json.RootElement.GetProperty("api_key").GetString(), ofKey.Stdout);
        Assert.Equal(ofCert.Stdout, ofApiKey.Stdout);
    }

    private async Task<string> WriteAsync(string name, string content)
    {
        var path = _dir.File(name);
        await File.WriteAllTextAsync(path, content, TestContext.Current.CancellationToken);
        return path;
    }
}

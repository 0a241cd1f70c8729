using System.Text.Json;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.FunctionalTests.Cli;

/// <summary>Every client command end to end against an in-process server, as the admin with an API key and with a client certificate.</summary>
public sealed class ClientCommandTests
{
    public static TheoryData<string> Credentials => [CliCredentials.ApiKeyKind, CliCredentials.CertificateKind];

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task Status_TextAndJson(string credentials)
    {
        await using var bed = await CliTestBed.StartAsync(credentials);

        var text = await bed.Cli(terminal: true).RunAsync("status", "-k");
        var json = await bed.Cli().RunAsync("status", "-k");
        var jsonOnTerminal = await bed.Cli(terminal: true).RunAsync("status", "-k", "--json");
        var brief = await bed.Cli(terminal: true).RunAsync("status", "-k", "-s");

        Assert.Equal((0, string.Empty), (text.ExitCode, text.Stderr));
        var lines = text.Stdout.Split('\n');
        Assert.Equal("● " + bed.Address["https://".Length..], lines[0]);
        Assert.StartsWith("  Version  ", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("  Uptime   ", StringComparison.Ordinal) && l.EndsWith(" seconds", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  Latency  ", StringComparison.Ordinal));
        Assert.Contains("  Keystore reachable", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("  · Heap   ", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        using (var status = JsonDocument.Parse(json.Stdout))
        {
            Assert.Equal("linux", status.RootElement.GetProperty("os").GetString());
            Assert.DoesNotContain('\n', json.Stdout.TrimEnd('\n'));
        }

        Assert.Contains("\n  \"os\": ", jsonOnTerminal.Stdout, StringComparison.Ordinal);
        Assert.Equal("● " + bed.Address["https://".Length..] + "\n", brief.Stdout);
    }

    [Fact]
    public async Task StatusApi_ListsRoutesWithTimeouts()
    {
        await using var bed = await CliTestBed.StartAsync();

        var text = await bed.Cli(terminal: true).RunAsync("status", "-k", "--api", "-s");
        var json = await bed.Cli().RunAsync("status", "-k", "--api");

        Assert.Contains("  Method  API                          Timeout\n", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("  GET     /version                     10s\n", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("  GET     /v1/log/audit                Inf\n", text.Stdout, StringComparison.Ordinal);
        using var routes = JsonDocument.Parse(json.Stdout);
        Assert.Contains(routes.RootElement.EnumerateArray(), r => r.GetProperty("path").GetString() == "/v1/key/generate/" && r.GetProperty("timeout").GetInt32() == 15);
    }

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task KeyCommands_WholeLifecycle(string credentials)
    {
        await using var bed = await CliTestBed.StartAsync(credentials);
        var cli = bed.Cli();
        var terminal = bed.Cli(terminal: true);

        var created = await cli.RunAsync("key", "create", "my-key-1", "my-key-2", "-k");
        var imported = await cli.RunAsync("key", "import", "imported", Convert.ToBase64String(new byte[32]), "-k", "--algorithm", "ChaCha20");
        var ls = await terminal.RunAsync("key", "ls", "-k");
        var lsJson = await cli.RunAsync("key", "ls", "my-key*", "-k");
        var info = await terminal.RunAsync("key", "info", "imported", "-k");
        var infoJson = await cli.RunAsync("key", "info", "my-key-1", "-k");

        Assert.Equal((0, string.Empty, string.Empty), (created.ExitCode, created.Stdout, created.Stderr));
        Assert.Equal((0, string.Empty, string.Empty), (imported.ExitCode, imported.Stdout, imported.Stderr));
        Assert.Equal("Key\nimported\nmy-key-1\nmy-key-2\n", ls.Stdout);
        Assert.Equal("[\"my-key-1\",\"my-key-2\"]\n", lsJson.Stdout);
        Assert.Matches($"^Name        imported\nAlgorithm   ChaCha20\nDate        \\d{{4}}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\nOwner       {bed.Admin.Identity}\n$", info.Stdout);
        using (var described = JsonDocument.Parse(infoJson.Stdout))
        {
            Assert.Equal("my-key-1", described.RootElement.GetProperty("name").GetString());
            Assert.Equal(bed.Admin.Identity, described.RootElement.GetProperty("created_by").GetString());
            Assert.EndsWith("Z", described.RootElement.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        }

        // encrypt → decrypt, dek (with context) → decrypt, hmac twice.
        var encrypted = await cli.RunAsync("key", "encrypt", "my-key-1", "Hello World", "-k");
        var ciphertext = Property(encrypted, "ciphertext");
        var decrypted = await cli.RunAsync("key", "decrypt", "my-key-1", ciphertext, "-k");
        var context = Convert.ToBase64String("bucket/object"u8);
        var dek = await cli.RunAsync("key", "dek", "my-key-2", context, "-k");
        var dekOpened = await cli.RunAsync("key", "decrypt", "my-key-2", Property(dek, "ciphertext"), context, "-k");
        var dekWrongContext = await cli.RunAsync("key", "decrypt", "my-key-2", Property(dek, "ciphertext"), "-k");
        var hmac1 = await cli.RunAsync("key", "hmac", "my-key-1", "root access key", "-k");
        var hmac2 = await terminal.RunAsync("key", "hmac", "my-key-1", "root access key", "-k");

        Assert.Equal("Hello World"u8.ToArray(), Convert.FromBase64String(Property(decrypted, "plaintext")));
        Assert.Equal(32, Convert.FromBase64String(Property(dek, "plaintext")).Length);
        Assert.Equal(Property(dek, "plaintext"), Property(dekOpened, "plaintext"));
        Assert.Equal(1, dekWrongContext.ExitCode);
        Assert.Equal("Error: failed to decrypt with key 'my-key-2': decryption failed: ciphertext is not authentic\n", dekWrongContext.Stderr);
        Assert.Equal(32, Convert.FromBase64String(Property(hmac1, "hmac")).Length);
        Assert.Equal($"\nhmac: {Property(hmac1, "hmac")}\nhex:  {Convert.ToHexStringLower(Convert.FromBase64String(Property(hmac1, "hmac")))}\n", hmac2.Stdout);

        // On a terminal: kes's layout.
        var dekText = await terminal.RunAsync("key", "dek", "my-key-1", "-k");
        var encryptText = await terminal.RunAsync("key", "encrypt", "my-key-1", "x", "-k");
        var decryptText = await terminal.RunAsync("key", "decrypt", "my-key-1", encryptText.Stdout.Split("ciphertext: ")[1].Trim(), "-k");
        Assert.Matches("^\nplaintext:  [A-Za-z0-9+/]{43}=\nciphertext: [A-Za-z0-9+/=]+\n$", dekText.Stdout);
        Assert.Matches("^\nciphertext: [A-Za-z0-9+/=]+\n$", encryptText.Stdout);
        Assert.Equal("\nplaintext: eA==\n", decryptText.Stdout);

        // rm, then the key is gone.
        var removed = await cli.RunAsync("key", "rm", "my-key-1", "imported", "-k");
        var after = await cli.RunAsync("key", "ls", "-k");
        var gone = await cli.RunAsync("key", "info", "my-key-1", "-k");

        Assert.Equal((0, string.Empty), (removed.ExitCode, removed.Stdout));
        Assert.Equal("[\"my-key-2\"]\n", after.Stdout);
        Assert.Equal(CliExitCodes.NotFound, gone.ExitCode);
        Assert.Equal("Error: failed to describe key 'my-key-1': key does not exist. List the keys with 'kesgw key ls'\n", gone.Stderr);
    }

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task PolicyCommands_InfoLsShow(string credentials)
    {
        await using var bed = await CliTestBed.StartAsync(credentials);
        var terminal = bed.Cli(terminal: true);

        var ls = await terminal.RunAsync("policy", "ls", "-k");
        var lsJson = await bed.Cli().RunAsync("policy", "ls", "a*", "-k");
        var none = await bed.Cli().RunAsync("policy", "ls", "zzz*", "-k");
        var info = await terminal.RunAsync("policy", "info", CliTestBed.UserPolicy, "-k");
        var infoJson = await bed.Cli().RunAsync("policy", "info", CliTestBed.UserPolicy, "-k");
        var show = await terminal.RunAsync("policy", "show", CliTestBed.UserPolicy, "-k");
        var showJson = await bed.Cli().RunAsync("policy", "show", CliTestBed.UserPolicy, "-k");
        var missing = await bed.Cli().RunAsync("policy", "show", "nope", "-k");

        Assert.Equal("Policy\napp\n", ls.Stdout);
        Assert.Equal("[\"app\"]\n", lsJson.Stdout);
        Assert.Equal("[]\n", none.Stdout);
        Assert.Matches($"^Name        app\nDate        \\d{{4}}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\nCreated by  {bed.Admin.Identity}\n$", info.Stdout);
        Assert.Equal("app", Property(infoJson, "name"));
        Assert.StartsWith(
            "Allow:\n  · /v1/identity/self/describe\n  · /v1/key/decrypt/app-*\n  · /v1/key/generate/app-*\n  · /v1/key/list/*\n  · /v1/status\n\nDeny:\n  · /v1/key/decrypt/app-secret\n\nCreated at: ",
            show.Stdout,
            StringComparison.Ordinal);
        Assert.EndsWith($"\nCreated by: {bed.Admin.Identity}\n", show.Stdout, StringComparison.Ordinal);
        using (var policy = JsonDocument.Parse(showJson.Stdout))
        {
            Assert.True(policy.RootElement.GetProperty("allow").TryGetProperty("/v1/status", out _));
            Assert.True(policy.RootElement.GetProperty("deny").TryGetProperty("/v1/key/decrypt/app-secret", out _));
        }

        Assert.Equal(CliExitCodes.NotFound, missing.ExitCode);
        Assert.Equal("Error: failed to show policy 'nope': policy does not exist. List the policies with 'kesgw policy ls'\n", missing.Stderr);
    }

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task IdentityCommands_InfoSelfOtherAndLs(string credentials)
    {
        await using var bed = await CliTestBed.StartAsync(credentials);
        var terminal = bed.Cli(terminal: true);

        var self = await terminal.RunAsync("identity", "info", "-k");
        var userSelf = await bed.Cli(terminal: true, @as: bed.User).RunAsync("identity", "info", "-k");
        var other = await terminal.RunAsync("identity", "info", bed.User.Identity, "-k");
        var otherJson = await bed.Cli().RunAsync("identity", "info", bed.User.Identity, "-k");
        var ls = await terminal.RunAsync("identity", "ls", "-k");
        var lsJson = await bed.Cli().RunAsync("identity", "ls", bed.User.Identity[..8] + "*", "-k");
        var unknown = await bed.Cli().RunAsync("identity", "info", new string('a', 64), "-k");

        Assert.Matches($"^Identity    {bed.Admin.Identity}\nCreated At  [0-9: -]+\nRole        Admin\n$", self.Stdout);
        Assert.Matches(
            $"^Identity    {bed.User.Identity}\nCreated At  [0-9: -]+\nRole        User\nCreated By  {bed.Admin.Identity}\n\nPolicy      app\nAllow\n            · /v1/identity/self/describe\n(            · .+\n)+Deny\n            · /v1/key/decrypt/app-secret\n$",
            userSelf.Stdout);
        Assert.Matches($"^Identity    {bed.User.Identity}\nPolicy      app\nCreated At  [0-9: -]+\nRole        User\nCreated By  {bed.Admin.Identity}\n$", other.Stdout);
        Assert.Equal("app", Property(otherJson, "policy"));
        Assert.Equal(bed.User.Identity, Property(otherJson, "identity"));
        Assert.Equal($"Identity\n{string.Join('\n', new[] { bed.Admin.Identity, bed.User.Identity }.Order(StringComparer.Ordinal))}\n", ls.Stdout);
        Assert.Equal($"[\"{bed.User.Identity}\"]\n", lsJson.Stdout);
        Assert.Equal(CliExitCodes.NotFound, unknown.ExitCode);
    }

    [Fact]
    public async Task IdentityInfo_SelfWithoutPolicy_Exit6_SaysWhichIdentity()
    {
        await using var bed = await CliTestBed.StartAsync();
        var stranger = CliCredentials.Create(CliCredentials.ApiKeyKind, bed.Directory, "stranger");

        var run = await bed.Cli(@as: stranger).RunAsync("identity", "info", "-k");

        Assert.Equal(CliExitCodes.NotFound, run.ExitCode);
        Assert.StartsWith($"Error: failed to describe your identity: identity does not exist. Your identity is {stranger.Identity}. ", run.Stderr, StringComparison.Ordinal);
        stranger.Dispose();
    }

    [Fact]
    public async Task Ls_KeysPoliciesIdentities_WithKesLsFlags()
    {
        await using var bed = await CliTestBed.StartAsync();
        await bed.Cli().RunAsync("key", "create", "alpha", "beta", "-k");

        // kes ls takes the server and the API key as flags too; they win over the environment.
        var flags = new KesgwInProcess { IsTerminal = true }.With("KES_SERVER", "127.0.0.1:1");
        var keys = await flags.RunAsync("ls", "-s", bed.Address, "-a", bed.Admin.ApiKey!.ToString(), "-k");
        var prefixed = await bed.Cli().RunAsync("ls", "al", "-k");
        var policies = await bed.Cli(terminal: true).RunAsync("ls", "-p", "-k");
        var identities = await bed.Cli().RunAsync("ls", "-i", "-k");
        var both = await bed.Cli().RunAsync("ls", "-i", "-p", "-k");

        Assert.Equal((0, "Key\nalpha\nbeta\n"), (keys.ExitCode, keys.Stdout));
        Assert.Equal("[\"alpha\"]\n", prefixed.Stdout);
        Assert.Equal("Policy\napp\n", policies.Stdout);
        Assert.Contains(bed.User.Identity, identities.Stdout, StringComparison.Ordinal);
        Assert.Equal(CliExitCodes.Usage, both.ExitCode);
        Assert.Equal("Error: '-p / --policy' and '-i / --identity' must not be used at the same time\n", both.Stderr);
    }

    [Fact]
    public async Task KeyCreate_Exists_Exit7_Import_BadInput_Exit2()
    {
        await using var bed = await CliTestBed.StartAsync();
        var cli = bed.Cli();
        await cli.RunAsync("key", "create", "k", "-k");

        var again = await cli.RunAsync("key", "create", "k", "-k");
        var importExisting = await cli.RunAsync("key", "import", "k", Convert.ToBase64String(new byte[32]), "-k");
        var shortKey = await cli.RunAsync("key", "import", "j", Convert.ToBase64String(new byte[16]), "-k");
        var notBase64 = await cli.RunAsync("key", "decrypt", "k", "***", "-k");
        var badName = await cli.RunAsync("key", "create", "bad/name", "-k");
        var optionLike = await cli.RunAsync("key", "info", "--bogus", "-k");

        Assert.Equal((CliExitCodes.AlreadyExists, "Error: failed to create key 'k': key already exists\n"), (again.ExitCode, again.Stderr));
        Assert.Equal(CliExitCodes.AlreadyExists, importExisting.ExitCode);
        Assert.Equal((CliExitCodes.Usage, "Error: invalid key: it must be 32 bytes, not 16. See 'kesgw key import --help'\n"), (shortKey.ExitCode, shortKey.Stderr));
        Assert.Equal((CliExitCodes.Usage, "Error: invalid ciphertext: not base64. See 'kesgw key decrypt --help'\n"), (notBase64.ExitCode, notBase64.Stderr));
        Assert.Equal((CliExitCodes.Failure, "Error: failed to create key 'bad/name': key name 'bad/name' is empty, too long or contains invalid characters\n"), (badName.ExitCode, badName.Stderr));
        Assert.Equal(CliExitCodes.Usage, optionLike.ExitCode);
    }

    [Fact]
    public async Task KeyDek_MissingKey_Exit6_SaysHowToCreateIt()
    {
        await using var bed = await CliTestBed.StartAsync();

        var run = await bed.Cli().RunAsync("key", "dek", "my-key-1", "-k");

        Assert.Equal(CliExitCodes.NotFound, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal("Error: failed to generate a data key with key 'my-key-1': key does not exist. Create it with 'kesgw key create my-key-1'\n", run.Stderr);
    }

    internal static string Property(CliRun run, string name)
    {
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}: {run.Stderr}");
        using var json = JsonDocument.Parse(run.Stdout);
        return json.RootElement.GetProperty(name).GetString()!;
    }
}

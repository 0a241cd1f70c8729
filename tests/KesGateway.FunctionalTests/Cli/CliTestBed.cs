using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Identity;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Cli;

/// <summary>An in-process server with an admin (API key or client certificate) and a user in policy 'app', and the
/// kesgw command line set up to talk to it as either.</summary>
internal sealed class CliTestBed : IAsyncDisposable
{
    public const string UserPolicy = "app";

    private CliTestBed(TestServer server, CliCredentials admin, CliCredentials user, string directory)
    {
        Server = server;
        Admin = admin;
        User = user;
        Directory = directory;
    }

    public TestServer Server { get; }

    public CliCredentials Admin { get; }

    public CliCredentials User { get; }

    public string Directory { get; }

    /// <summary>The server as KES_SERVER names it: https://localhost:PORT.</summary>
    public string Address => Server.Address.ToString().TrimEnd('/');

    public static async Task<CliTestBed> StartAsync(string adminKind = CliCredentials.ApiKeyKind)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("kesgw-cli-").FullName;
        var admin = CliCredentials.Create(adminKind, directory, "admin");
        var user = CliCredentials.Create(CliCredentials.ApiKeyKind, directory, "user");
        var policy = new PolicyConfig(
            UserPolicy,
            ["/v1/key/generate/app-*", "/v1/key/decrypt/app-*", "/v1/key/list/*", "/v1/status", "/v1/identity/self/describe"],
            ["/v1/key/decrypt/app-secret"],
            [user.Identity]);
        var server = await TestServer.StartAsync(TestServer.Config(admin.Identity, policy));
        return new CliTestBed(server, admin, user, directory);
    }

    /// <summary>kesgw as the admin (or <paramref name="as"/>), KES_SERVER set to this server.</summary>
    public KesgwInProcess Cli(bool terminal = false, CliCredentials? @as = null, TimeProvider? time = null)
    {
        var cli = new KesgwInProcess { IsTerminal = terminal, TimeProvider = time ?? TimeProvider.System };
        cli.With("KES_SERVER", Address);
        (@as ?? Admin).Apply(cli);
        return cli;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Admin.Dispose();
        User.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>What a client authenticates with: an API key (KES_API_KEY) or a certificate and key file (KES_CLIENT_CERT/KEY).</summary>
internal sealed class CliCredentials : IDisposable
{
    public const string ApiKeyKind = "api-key";
    public const string CertificateKind = "certificate";

    private CliCredentials(string identity, ApiKey? apiKey, string? certificateFile, string? keyFile)
    {
        Identity = identity;
        ApiKey = apiKey;
        CertificateFile = certificateFile;
        KeyFile = keyFile;
    }

    public string Identity { get; }

    public ApiKey? ApiKey { get; }

    public string? CertificateFile { get; }

    public string? KeyFile { get; }

    public static CliCredentials Create(string kind, string directory, string name)
    {
        if (kind == ApiKeyKind)
        {
            var apiKey = ApiKey.Generate();
            return new CliCredentials(apiKey.Identity.Value, apiKey, null, null);
        }

        using var certificate = TestCertificates.CreateClient("CN=" + name);
        var certificateFile = Path.Combine(directory, name + ".crt");
        var keyFile = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return new CliCredentials(CertificateIdentity.Of(certificate).Value, null, certificateFile, keyFile);
    }

    public void Apply(KesgwInProcess cli)
    {
        if (ApiKey is not null)
        {
            cli.With("KES_API_KEY", ApiKey.ToString());
        }
        else
        {
            cli.With("KES_CLIENT_CERT", CertificateFile!).With("KES_CLIENT_KEY", KeyFile!);
        }
    }

    public void Dispose() => ApiKey?.Dispose();
}

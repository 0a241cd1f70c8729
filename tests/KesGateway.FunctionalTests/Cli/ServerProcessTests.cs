using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.FunctionalTests.Server;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Cli;

/// <summary><c>kesgw server</c> as a user runs it: a real process, real files, real signals.</summary>
public sealed class ServerProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-server-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Dev_PrintedApiKeyIsTheAdmin_CreateGenerateDecrypt_StopsOnSigterm()
    {
        await using var server = KesgwServerProcess.Start(_dir, "server", "--dev", "--addr", "127.0.0.1:0");

        var apiKeyLine = await server.WaitForStdoutAsync("API Key");
        var adminLine = await server.WaitForStdoutAsync("Admin");
        var apiLine = server.StdoutSeen.First(l => l.StartsWith("API ", StringComparison.Ordinal));
        await server.WaitForStdoutAsync("Server is up and running");
        var apiKey = apiKeyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        var address = new Uri(apiLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);

        using var apiKeyParsed = Core.Identity.ApiKey.Parse(apiKey);
        Assert.EndsWith(apiKeyParsed.Identity.Value, adminLine, StringComparison.Ordinal);
        using var kes = new KesGateway.Core.Client.KesClient(new KesGateway.Core.Client.KesClientOptions
        {
            Endpoints = [address.ToString()],
            ApiKey = apiKeyParsed,
            Insecure = true,
        });
        await kes.CreateKeyAsync("my-key-1", TestContext.Current.CancellationToken);
        var dek = await kes.GenerateKeyAsync("my-key-1", default, TestContext.Current.CancellationToken);
        var plaintext = await kes.DecryptAsync("my-key-1", dek.Ciphertext, default, TestContext.Current.CancellationToken);
        Assert.Equal(dek.Plaintext, plaintext);

        await server.SignalAsync("TERM");
        await server.WaitForStdoutAsync("Goodbye");
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    [Fact]
    public async Task Config_FsKeystore_ServesAndReloadsOnSighup()
    {
        using var admin = TestCertificates.CreateClient("CN=admin");
        var serverCert = TestCertificates.CreateServer()[0];
        await File.WriteAllTextAsync(Path.Combine(_dir, "server.cert"), serverCert.ExportCertificatePem(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_dir, "server.key"), serverCert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), TestContext.Current.CancellationToken);
        var config = Path.Combine(_dir, "config.yml");
        await File.WriteAllTextAsync(config, Config(TestServer.IdentityOf(admin), "declared-1"), TestContext.Current.CancellationToken);

        await using var server = KesgwServerProcess.Start(_dir, "server", "--config", "config.yml", "--addr", "127.0.0.1:0");
        await server.WaitForStdoutAsync("Server is up and running");
        var address = new Uri(server.StdoutSeen.First(l => l.StartsWith("API ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
        using var http = CreateClient(address, admin);

        using var create = await http.PostJsonAsync("/v1/key/create/my-key", null);
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.True(File.Exists(Path.Combine(_dir, "keys", "my-key")));
        Assert.True(File.Exists(Path.Combine(_dir, "keys", "declared-1")));
        await server.WaitForStdoutAsync("req.path=/v1/key/create/my-key");

        await File.WriteAllTextAsync(config, Config(TestServer.IdentityOf(admin), "declared-2"), TestContext.Current.CancellationToken);
        await server.SignalAsync("HUP");
        await server.WaitForStderrAsync("configuration reloaded");
        Assert.True(File.Exists(Path.Combine(_dir, "keys", "declared-2")));

        await File.AppendAllTextAsync(config, "\nbad: [\n", TestContext.Current.CancellationToken);
        await server.SignalAsync("HUP");
        var failure = await server.WaitForStderrAsync("configuration reload failed");
        Assert.Contains("config.yml", failure, StringComparison.Ordinal);
        using var stillServing = await http.GetPathAsync("/v1/key/list/*");
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
    }

    private static string Config(string admin, string declared) => $"""
        address: 0.0.0.0:7373
        admin:
          identity: {admin}
        tls:
          key: server.key
          cert: server.cert
        keys:
          - name: {declared}
        keystore:
          fs:
            path: keys
        """;

    private static HttpClient CreateClient(Uri address, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        new(new SocketsHttpHandler
        {
            SslOptions =
            {
#pragma warning disable CA5359 // a throwaway server certificate made for this test
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
                ClientCertificates = [certificate],
            },
        })
        { BaseAddress = address };
}

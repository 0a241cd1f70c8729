using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Vault;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>TLS towards Vault (vault-compat §6): CA file or directory, mTLS, failures reported at connect; Unix sockets.</summary>
public sealed class VaultTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kesgw-vault-tls-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_CaFileWithTwoCertificates_TrustsBoth()
    {
        var file = Write("ca.pem", TestCertificates.Authority("a").ExportCertificatePem() + "\n" + TestCertificates.Authority("b").ExportCertificatePem());

        using var material = VaultTlsMaterial.Load(new VaultTlsOptions { CaPath = file });

        Assert.Equal(2, material.Authorities!.Count);
        Assert.Null(material.ClientCertificate);
    }

    [Fact]
    public void Load_CaDirectory_ReadsEveryPemFileAndSkipsOthers()
    {
        Write("a.pem", TestCertificates.Authority("a").ExportCertificatePem());
        Write("b.crt", TestCertificates.Authority("b").ExportCertificatePem());
        Write("README", "not a certificate");

        using var material = VaultTlsMaterial.Load(new VaultTlsOptions { CaPath = _directory });

        Assert.Equal(2, material.Authorities!.Count);
    }

    [Fact]
    public void Load_CaDirectoryWithoutCertificates_Fails()
    {
        Write("README", "not a certificate");

        var ex = Assert.Throws<KeyStoreException>(() => VaultTlsMaterial.Load(new VaultTlsOptions { CaPath = _directory }));

        Assert.Equal($"vault: failed to open '{_directory}': no PEM CA certificate found", ex.Message);
    }

    [Fact]
    public void Load_CaFileWithoutCertificates_Fails()
    {
        var file = Write("ca.pem", "garbage");

        var ex = Assert.Throws<KeyStoreException>(() => VaultTlsMaterial.Load(new VaultTlsOptions { CaPath = file }));

        Assert.Equal($"vault: failed to open '{file}': no PEM CA certificate found", ex.Message);
    }

    [Fact]
    public void Load_ClientCertificateAndKey_HasThePrivateKey()
    {
        var (certificate, key) = WriteClientCertificate();

        using var material = VaultTlsMaterial.Load(new VaultTlsOptions { ClientCertificateFile = certificate, ClientKeyFile = key });

        Assert.True(material.ClientCertificate!.HasPrivateKey);
    }

    [Fact]
    public void Load_ClientKeyOfAnotherCertificate_FailsWithBothPaths()
    {
        var (certificate, _) = WriteClientCertificate();
        var (_, otherKey) = WriteClientCertificate("other");

        var ex = Assert.Throws<KeyStoreException>(() => VaultTlsMaterial.Load(new VaultTlsOptions { ClientCertificateFile = certificate, ClientKeyFile = otherKey }));

        Assert.StartsWith($"vault: failed to load TLS client certificate '{certificate}' with key '{otherKey}': ", ex.Message);
    }

    [Fact]
    public void Load_ClientCertificateMissing_Fails()
    {
        var ex = Assert.Throws<KeyStoreException>(() => VaultTlsMaterial.Load(new VaultTlsOptions { ClientCertificateFile = Path.Combine(_directory, "none.pem"), ClientKeyFile = Path.Combine(_directory, "none.key") }));

        Assert.StartsWith("vault: failed to load TLS client certificate", ex.Message);
    }

    [Fact]
    public async Task ConnectAsync_HttpsWithTheServersCa_Works()
    {
        await using var vault = await LoopbackVault.StartHttpsAsync();
        var options = Options(vault);
        options.Tls.CaPath = Write("ca.pem", vault.Certificate!.ExportCertificatePem());

        await using var store = await VaultKeyStore.ConnectAsync(options, new CapturingLogger(), Ct);

        Assert.Null(await store.GetAsync("my-key", Ct));
        await store.StatusAsync(Ct);
    }

    [Fact]
    public async Task ConnectAsync_HttpsWithCaDirectory_Works()
    {
        await using var vault = await LoopbackVault.StartHttpsAsync();
        Write("other.pem", TestCertificates.Authority("other").ExportCertificatePem());
        Write("vault.pem", vault.Certificate!.ExportCertificatePem());
        var options = Options(vault);
        options.Tls.CaPath = _directory;

        await using var store = await VaultKeyStore.ConnectAsync(options, new CapturingLogger(), Ct);

        Assert.Null(await store.GetAsync("my-key", Ct));
    }

    [Fact]
    public async Task ConnectAsync_HttpsWithAnotherCa_FailsAtOnceWithTheReason()
    {
        await using var vault = await LoopbackVault.StartHttpsAsync();
        var options = Options(vault);
        var caFile = Write("ca.pem", TestCertificates.Authority("other").ExportCertificatePem());
        options.Tls.CaPath = caFile;

        var ex = await Assert.ThrowsAsync<KeyStoreException>(() => VaultKeyStore.ConnectAsync(options, new CapturingLogger(), Ct));

        Assert.IsNotType<KeyStoreUnreachableException>(ex);
        Assert.Equal($"vault: authentication failed: PUT {vault.Endpoint.AbsoluteUri}v1/auth/approle/login: tls: Vault's certificate is not signed by a CA in '{caFile}' (UntrustedRoot)", ex.Message);
        Assert.Empty(vault.Requests);
    }

    [Fact]
    public async Task ConnectAsync_HttpsWithSystemRoots_RejectsASelfSignedVault()
    {
        await using var vault = await LoopbackVault.StartHttpsAsync();

        var ex = await Assert.ThrowsAsync<KeyStoreException>(() => VaultKeyStore.ConnectAsync(Options(vault), new CapturingLogger(), Ct));

        Assert.EndsWith("/v1/auth/approle/login: tls: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot", ex.Message);
        Assert.Empty(vault.Requests);
    }

    [Fact]
    public async Task ConnectAsync_VaultRequiresClientCertificate_PresentsIt()
    {
        await using var vault = await LoopbackVault.StartHttpsAsync(requireClientCertificate: true);
        var (certificate, key) = WriteClientCertificate("kes-client");
        var options = Options(vault);
        options.Tls = new VaultTlsOptions { CaPath = Write("ca.pem", vault.Certificate!.ExportCertificatePem()), ClientCertificateFile = certificate, ClientKeyFile = key };

        await using var store = await VaultKeyStore.ConnectAsync(options, new CapturingLogger(), Ct);

        Assert.All(vault.Requests, r => Assert.EndsWith(" CN=kes-client", r));
    }

    [Fact]
    public async Task ConnectAsync_VaultRequiresClientCertificateButNoneConfigured_Fails()
    {
        await using var vault = await LoopbackVault.StartHttpsAsync(requireClientCertificate: true);
        var options = Options(vault);
        options.Tls.CaPath = Write("ca.pem", vault.Certificate!.ExportCertificatePem());

        await Assert.ThrowsAnyAsync<KeyStoreException>(() => VaultKeyStore.ConnectAsync(options, new CapturingLogger(), Ct));
        Assert.Empty(vault.Requests);
    }

    [Fact]
    public async Task ConnectAsync_UnixSocketEndpoint_Works()
    {
        var socket = Path.Combine(_directory, "vault.sock");
        await using var vault = await LoopbackVault.StartUnixAsync(socket);

        await using var store = await VaultKeyStore.ConnectAsync(Options(vault), new CapturingLogger(), Ct);

        Assert.Null(await store.GetAsync("my-key", Ct));
        Assert.Contains("GET /v1/kv/my-key ", vault.Requests);
        Assert.Equal("Hashicorp Vault: unix://" + socket, store.Description);
    }

    private static VaultOptions Options(LoopbackVault vault) => new()
    {
        Endpoint = vault.Endpoint,
        AppRole = new VaultAppRoleOptions { Id = "role", Secret = "secret-id-loopback" },
        RetryBaseDelay = TimeSpan.Zero,
    };

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private (string Certificate, string Key) WriteClientCertificate(string name = "kes-client")
    {
        using var certificate = TestCertificates.CreateClient("CN=" + name);
        using var key = certificate.GetECDsaPrivateKey()!;
        return (Write(name + ".crt", certificate.ExportCertificatePem()), Write(name + ".key", key.ExportPkcs8PrivateKeyPem()));
    }
}

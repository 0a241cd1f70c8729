using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Client;
using KesGateway.Core.Protocol;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Server;

/// <summary>The identity comes from the whole chain the client sent in the handshake (kes-compat §4.1).</summary>
public sealed class ClientChainTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-chain-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task LeafPlusCaCertificate_CaIsSkipped_IdentityIsTheLeafs()
    {
        using var leaf = TestCertificates.CreateClient("CN=leaf");
        using var ca = TestCertificates.Authority("extra-ca");
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(leaf)));
        using var client = CreateClient(server, leaf, ca);

        var self = await client.DescribeSelfAsync(Ct);

        Assert.Equal(TestServer.IdentityOf(leaf), self.Identity);
        Assert.True(self.Admin);
    }

    [Fact]
    public async Task TwoNonCaCertificates_Is400MoreThanOne()
    {
        using var leaf = TestCertificates.CreateClient("CN=leaf");
        using var other = TestCertificates.Leaf("other-leaf");
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(leaf)));
        using var client = CreateClient(server, leaf, other);

        var error = await Assert.ThrowsAsync<KesException>(() => client.StatusAsync(Ct));

        Assert.Equal(KesErrors.TooManyClientCertificates, error.Error);
    }

    private KesClient CreateClient(TestServer server, X509Certificate2 leaf, X509Certificate2 extra)
    {
        var certificateFile = Path.Combine(_dir, "chain.pem");
        var keyFile = Path.Combine(_dir, "leaf.key");
        File.WriteAllText(certificateFile, leaf.ExportCertificatePem() + "\n" + extra.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, leaf.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return new KesClient(new KesClientOptions
        {
            Endpoints = [server.Address.ToString()],
            CertificateFile = certificateFile,
            PrivateKeyFile = keyFile,
            Insecure = true,
        });
    }
}

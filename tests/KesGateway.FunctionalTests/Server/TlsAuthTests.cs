using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Server;

/// <summary><c>tls.auth: on</c> verifies client certificates against <c>tls.ca</c>; RSA client certificates work too.</summary>
public sealed class TlsAuthTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-tlsauth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AuthOn_CertificateIssuedByTheCa_IsAccepted_SelfSignedIsRefused()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var caFile = Path.Combine(_dir, "ca.pem");
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem(), TestContext.Current.CancellationToken);

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=issued", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issuedPublic = clientRequest.Create(ca, now.AddHours(-1), now.AddDays(10), [1, 2, 3, 4]);
        using var issuedWithKey = issuedPublic.CopyWithPrivateKey(clientKey);
        using var issued = X509CertificateLoader.LoadPkcs12(issuedWithKey.Export(X509ContentType.Pkcs12), null);
        using var selfSigned = TestCertificates.CreateClient("CN=self-signed");

        var config = TestServer.Config(TestServer.IdentityOf(issued));
        config = config with { Tls = config.Tls with { VerifyClientCertificates = true, CaPath = caFile } };
        await using var server = await TestServer.StartAsync(config);
        using var trusted = server.CreateClient(issued);
        using var untrusted = server.CreateClient(selfSigned);

        using var status = await trusted.GetPathAsync("/v1/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => untrusted.GetPathAsync("/v1/status"));
    }

    [Fact]
    public async Task RsaClientCertificate_IsIdentifiedAndAuthorized()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=rsa-client", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        using var rsa = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(rsa)));
        using var http = server.CreateClient(rsa);

        var self = await (await http.GetPathAsync("/v1/identity/self/describe")).JsonAsync();

        Assert.Equal(TestServer.IdentityOf(rsa), self.GetProperty("identity").GetString());
        Assert.True(self.GetProperty("admin").GetBoolean());
    }
}

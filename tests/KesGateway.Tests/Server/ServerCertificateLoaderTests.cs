using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Server.Tls;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;

namespace KesGateway.Tests.Server;

public sealed class ServerCertificateLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-certload-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_EcdsaPairWithSan_ReturnsCertificateWithKey()
    {
        var (cert, key) = WritePair(withSan: true);

        var chain = ServerCertificateLoader.Load(cert, key, password: null);

        Assert.True(chain[0].HasPrivateKey);
    }

    [Fact]
    public void Load_CertificateWithoutSan_FailsAsKesDoes()
    {
        var (cert, key) = WritePair(withSan: false);

        var ex = Assert.Throws<InvalidOperationException>(() => ServerCertificateLoader.Load(cert, key, null));

        Assert.Contains("certificate does not contain any DNS or IP address as SAN", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--ip", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyOfAnotherCertificate_SaysTheyDoNotBelongTogether()
    {
        var (cert, _) = WritePair(withSan: true);
        var (_, otherKey) = WritePair(withSan: true, name: "other");

        var ex = Assert.Throws<InvalidOperationException>(() => ServerCertificateLoader.Load(cert, otherKey, null));

        Assert.Contains("does not belong to the certificate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LegacyEncryptedKey_NeedsTheRightPassword()
    {
        var (cert, key) = WritePair(withSan: true, legacyPassword: "correct_password");

        var noPassword = Assert.Throws<InvalidOperationException>(() => ServerCertificateLoader.Load(cert, key, null));
        var wrong = Assert.Throws<InvalidOperationException>(() => ServerCertificateLoader.Load(cert, key, "wrong"));
        var chain = ServerCertificateLoader.Load(cert, key, "correct_password");

        Assert.Contains("private key is encrypted: password required", noPassword.Message, StringComparison.Ordinal);
        Assert.Contains("wrong password", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", wrong.Message.Replace("wrong password", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(chain[0].HasPrivateKey);
    }

    [Fact]
    public void Load_MissingFile_NamesTheField()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ServerCertificateLoader.Load(Path.Combine(_dir, "nope.crt"), "nope.key", null));

        Assert.StartsWith("tls.cert: cannot read the certificate", ex.Message, StringComparison.Ordinal);
    }

    private (string Cert, string Key) WritePair(bool withSan, string name = "server", string? legacyPassword = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        if (withSan)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }

        using var cert = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(80));
        var certPath = Path.Combine(_dir, name + ".crt");
        var keyPath = Path.Combine(_dir, name + ".key");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        if (legacyPassword is null)
        {
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        }
        else
        {
            // RFC 1423 "Proc-Type: 4,ENCRYPTED" PEM, the only encrypted form KES reads.
            var bcKey = PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey());
            using var writer = new StringWriter();
            var pem = new PemWriter(writer);
            pem.WriteObject(new MiscPemGenerator(bcKey, "AES-256-CBC", legacyPassword.ToCharArray(), new SecureRandom()));
            pem.Writer.Flush();
            File.WriteAllText(keyPath, writer.ToString());
        }

        return (certPath, keyPath);
    }
}

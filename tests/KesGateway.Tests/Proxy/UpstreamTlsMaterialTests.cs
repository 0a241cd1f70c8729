using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Server.Configuration;
using KesGateway.Server.Proxy;
using KesGateway.Tests.Common;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;

namespace KesGateway.Tests.Proxy;

public sealed class UpstreamTlsMaterialTests : IDisposable
{
    private readonly UpstreamFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Load_CertificateAndKey_PresentsTheCertificateWithItsKey()
    {
        var material = UpstreamTlsMaterial.Load(_files.Upstream());

        Assert.NotNull(material.ClientCertificate);
        Assert.True(material.ClientCertificate.HasPrivateKey);
        Assert.Equal("CN=kes-gateway", material.ClientCertificate.Subject);
        Assert.NotNull(material.ClientCertificateContext);
        Assert.Single(material.Authorities!);
    }

    [Theory]
    [InlineData("cert", "missing.cert", "upstreams.a.tls.cert: cannot read the client certificate")]
    [InlineData("cert", "empty.pem", "upstreams.a.tls.cert: '")]
    [InlineData("key", "missing.key", "upstreams.a.tls.key: cannot read the private key")]
    [InlineData("key", "other.key", "upstreams.a.tls.key: the private key")]
    [InlineData("ca", "missing-ca.pem", "upstreams.a.tls.ca: '")]
    [InlineData("ca", "empty.pem", "upstreams.a.tls.ca: '")]
    public void Load_BadFile_NamesTheField(string field, string file, string expected)
    {
        _files.Write("empty.pem", "nothing here\n");
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            _files.Write("other.key", other.ExportPkcs8PrivateKeyPem());
        }

        var upstream = _files.Upstream();
        var tls = field switch
        {
            "cert" => upstream.Tls with { CertificatePath = _files.File(file) },
            "key" => upstream.Tls with { KeyPath = _files.File(file) },
            _ => upstream.Tls with { CaPath = _files.File(file) },
        };

        var ex = Assert.Throws<ConfigException>(() => UpstreamTlsMaterial.Load(upstream with { Tls = tls }));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CertificateWithoutKey_AsksForTheKey()
    {
        var upstream = _files.Upstream();

        var ex = Assert.Throws<ConfigException>(() => UpstreamTlsMaterial.Load(upstream with { Tls = upstream.Tls with { KeyPath = null } }));

        Assert.StartsWith("upstreams.a.tls.key: no private key for the client certificate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LegacyEncryptedKey_NeedsThePasswordAndNeverShowsIt()
    {
        var certificate = TestCertificates.CreateClient("CN=encrypted");
        _files.WriteClient(certificate);
        using (var key = certificate.GetECDsaPrivateKey()!)
        {
            using var writer = new StringWriter();
            var pem = new PemWriter(writer);
            pem.WriteObject(new MiscPemGenerator(PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey()), "AES-256-CBC", "s3cret-pass".ToCharArray(), new SecureRandom()));
            pem.Writer.Flush();
            _files.Write("gateway.key", writer.ToString());
        }

        var upstream = _files.Upstream();
        var missing = Assert.Throws<ConfigException>(() => UpstreamTlsMaterial.Load(upstream));
        var wrong = Assert.Throws<ConfigException>(() => UpstreamTlsMaterial.Load(upstream with { Tls = upstream.Tls with { Password = "wrong-pass" } }));
        var material = UpstreamTlsMaterial.Load(upstream with { Tls = upstream.Tls with { Password = "s3cret-pass" } });

        Assert.Contains("set upstreams.a.tls.password", missing.Message, StringComparison.Ordinal);
        Assert.StartsWith("upstreams.a.tls.key: cannot decrypt", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pass", wrong.Message, StringComparison.Ordinal);
        Assert.Equal("CN=encrypted", material.ClientCertificate!.Subject);
    }

    [Fact]
    public void Load_CaDirectory_ReadsEveryPemCertificateAndSkipsTheRest()
    {
        var directory = Directory.CreateDirectory(_files.File("cas")).FullName;
        File.WriteAllText(Path.Combine(directory, "1.pem"), TestCertificates.Authority("one").ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "2.pem"), TestCertificates.Authority("two").ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "README"), "not a certificate");
        var upstream = _files.Upstream();

        var material = UpstreamTlsMaterial.Load(upstream with { Tls = upstream.Tls with { CaPath = directory } });

        Assert.Equal(["CN=one", "CN=two"], material.Authorities!.Select(a => a.Subject));
    }

    [Fact]
    public void Fingerprint_SameFiles_IsStable_ChangedCertificate_Differs()
    {
        var upstream = _files.Upstream();
        var first = UpstreamTlsMaterial.Load(upstream).Fingerprint;
        var again = UpstreamTlsMaterial.Load(upstream).Fingerprint;
        var otherName = UpstreamTlsMaterial.Load(upstream with { Name = "b" }).Fingerprint;
        var skipVerify = UpstreamTlsMaterial.Load(upstream with { Tls = upstream.Tls with { SkipVerify = true } }).Fingerprint;
        var serverName = UpstreamTlsMaterial.Load(upstream with { Tls = upstream.Tls with { ServerName = "kes.internal" } }).Fingerprint;
        _files.WriteClient(TestCertificates.CreateClient("CN=kes-gateway"));
        var rotated = UpstreamTlsMaterial.Load(upstream).Fingerprint;

        Assert.Equal(first, again);
        Assert.Equal(5, new[] { first, otherName, skipVerify, serverName, rotated }.Distinct().Count());
    }

    [Fact]
    public void Validate_CertificateOfTheCa_IsAccepted_OtherIsRejectedWithAReason()
    {
        using var authority = Common.Vault.VaultTestCertificateAuthority.Create("Upstream CA");
        _files.Write("ca.pem", authority.CertificatePem);
        var material = UpstreamTlsMaterial.Load(_files.Upstream());
        using var issued = authority.IssueServerCertificate(["kes-1"]);
        using var stranger = TestCertificates.CreateServer()[0];

        var accepted = material.Validate(issued, null, SslPolicyErrors.RemoteCertificateChainErrors, out var none);
        var rejected = material.Validate(stranger, null, SslPolicyErrors.RemoteCertificateChainErrors, out var why);
        var misnamed = material.Validate(issued, null, SslPolicyErrors.RemoteCertificateNameMismatch, out var name);

        Assert.True(accepted);
        Assert.Null(none);
        Assert.False(rejected);
        Assert.StartsWith("the KES server's certificate is not issued by a CA in upstreams.a.tls.ca", why, StringComparison.Ordinal);
        Assert.False(misnamed);
        Assert.Equal("the KES server's certificate is not valid for the endpoint's host name", name);
        Assert.Equal(name, material.TakeLastRejection());
        Assert.Null(material.TakeLastRejection());
    }

    [Fact]
    public void Load_NoTlsFiles_PresentsNothingAndTrustsTheSystemRoots()
    {
        var material = UpstreamTlsMaterial.Load(new UpstreamConfig { Name = "a", Endpoints = [new Uri("https://kes-1:7373")] });

        Assert.Null(material.ClientCertificate);
        Assert.Null(material.Authorities);
        Assert.False(material.SkipVerify);
    }
}

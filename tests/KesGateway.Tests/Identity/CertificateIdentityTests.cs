using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Identity;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Identity;

public class CertificateIdentityTests
{
    public static TheoryData<string> CertificateVectors => new(IdentityVectors.CertificateIdentities.Select(v => v.Name));

    [Theory]
    [MemberData(nameof(CertificateVectors))]
    public void Of_VectorCertificate_MatchesExpectedIdentity(string name)
    {
        var vector = IdentityVectors.CertificateIdentities.Single(v => v.Name == name);
        using var certificate = TestCertificates.FromPem(vector.CertificatePem);

        Assert.Equal(vector.ExpectedIdentity, CertificateIdentity.Of(certificate).Value);
        Assert.Equal(vector.ExpectedIdentity, CertificateIdentity.Of(certificate.RawData).Value);
    }

    [Theory]
    [MemberData(nameof(CertificateVectors))]
    public void GetSubjectPublicKeyInfo_VectorCertificate_IsOriginalSpkiBytes(string name)
    {
        var vector = IdentityVectors.CertificateIdentities.Single(v => v.Name == name);
        using var certificate = TestCertificates.FromPem(vector.CertificatePem);

        var spki = CertificateIdentity.GetSubjectPublicKeyInfo(certificate.RawData);

        Assert.Equal(vector.SpkiHex, Convert.ToHexStringLower(spki));
    }

    public static TheoryData<string> CertificateVectorsWithPrivateKey =>
        new(IdentityVectors.CertificateIdentities.Where(v => v.PrivateKeyPem is not null).Select(v => v.Name));

    [Theory]
    [MemberData(nameof(CertificateVectorsWithPrivateKey))]
    public void FromPkcs8PrivateKeyPem_VectorWithPrivateKey_ApiKeyIdentityEqualsCertificateIdentity(string name)
    {
        var vector = IdentityVectors.CertificateIdentities.Single(v => v.Name == name);
        Assert.NotNull(vector.PrivateKeyPem);

        using var apiKey = ApiKey.FromPkcs8PrivateKeyPem(vector.PrivateKeyPem);

        Assert.Equal(vector.ExpectedIdentity, apiKey.Identity.Value);
    }

    [Fact]
    public void Of_SpkiWithExplicitNullParameters_HashesOriginalBytesNotCanonicalEncoding()
    {
        // An Ed25519 SPKI with (non-canonical) NULL parameters: a re-encoding library would drop them.
        var publicKey = new byte[32];
        RandomNumberGenerator.Fill(publicKey);
        var spki = Convert.FromHexString("302c300706032b65700500032100" + Convert.ToHexStringLower(publicKey));
        var der = HandMadeCertificate(spki);

        var identity = CertificateIdentity.Of(der);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki)), identity.Value);
        Assert.NotEqual(ApiKey.IdentityOfPublicKey(publicKey), identity);
        Assert.Equal(spki, CertificateIdentity.GetSubjectPublicKeyInfo(der).ToArray());
    }

    [Fact]
    public void Of_SameKeyDifferentCertificates_SameIdentity()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var first = new CertificateRequest("CN=one", key, HashAlgorithmName.SHA256).CreateSelfSigned(now, now.AddDays(1));
        using var second = new CertificateRequest("CN=two", key, HashAlgorithmName.SHA384).CreateSelfSigned(now, now.AddDays(9));

        Assert.Equal(CertificateIdentity.Of(first), CertificateIdentity.Of(second));
    }

    [Fact]
    public void Of_CertificateWithoutExplicitVersion_SlicesSixthElement()
    {
        // A v1 certificate omits the [0] version; the SPKI is then the 6th TBS element.
        var generator = new Org.BouncyCastle.X509.X509V1CertificateGenerator();
        var keyPair = new Org.BouncyCastle.Crypto.Generators.Ed25519KeyPairGenerator();
        keyPair.Init(new Org.BouncyCastle.Crypto.Parameters.Ed25519KeyGenerationParameters(new Org.BouncyCastle.Security.SecureRandom()));
        var keys = keyPair.GenerateKeyPair();
        var name = new Org.BouncyCastle.Asn1.X509.X509Name("CN=v1");
        generator.SetSerialNumber(Org.BouncyCastle.Math.BigInteger.One);
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        generator.SetNotAfter(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        generator.SetPublicKey(keys.Public);
        var der = generator.Generate(new Org.BouncyCastle.Crypto.Operators.Asn1SignatureFactory("Ed25519", keys.Private)).GetEncoded();
        var publicKey = ((Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters)keys.Public).GetEncoded();

        Assert.Equal(ApiKey.IdentityOfPublicKey(publicKey), CertificateIdentity.Of(der));
    }

    [Theory]
    [InlineData("")]
    [InlineData("3000")]
    [InlineData("300330010a")]
    [InlineData("0102")]
    public void Of_MalformedDer_ThrowsCryptographicException(string hex)
    {
        Assert.Throws<CryptographicException>(() => CertificateIdentity.Of(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Of_TrailingData_ThrowsCryptographicException()
    {
        using var certificate = TestCertificates.Leaf();
        var der = certificate.RawData.Concat(new byte[] { 0 }).ToArray();

        Assert.Throws<CryptographicException>(() => CertificateIdentity.Of(der));
    }

    [Fact]
    public void FromChain_SingleLeaf_ReturnsItsIdentity()
    {
        using var leaf = TestCertificates.Leaf();

        Assert.Equal(CertificateIdentity.Of(leaf), CertificateIdentity.FromChain([leaf]));
    }

    [Fact]
    public void FromChain_LeafWithoutBasicConstraints_CountsAsLeaf()
    {
        using var leaf = TestCertificates.Create("no-constraints", certificateAuthority: null);
        using var ca = TestCertificates.Authority();

        Assert.Equal(CertificateIdentity.Of(leaf), CertificateIdentity.FromChain([ca, leaf]));
    }

    [Fact]
    public void FromChain_LeafAndCaCertificates_SkipsCaCertificates()
    {
        using var leaf = TestCertificates.Leaf();
        using var intermediate = TestCertificates.Authority("intermediate");
        using var root = TestCertificates.Authority("root");

        Assert.Equal(CertificateIdentity.Of(leaf), CertificateIdentity.FromChain([leaf, intermediate, root]));
        Assert.Equal(CertificateIdentity.Of(leaf), CertificateIdentity.FromChain([root, leaf]));
    }

    [Fact]
    public void FromChain_Empty_ThrowsClientCertificateRequired()
    {
        var ex = Assert.Throws<ClientCertificateException>(() => CertificateIdentity.FromChain([]));

        Assert.Equal("tls: client certificate is required", ex.Message);
    }

    [Fact]
    public void FromChain_OnlyCaCertificates_ThrowsClientCertificateRequired()
    {
        using var ca = TestCertificates.Authority();

        var ex = Assert.Throws<ClientCertificateException>(() => CertificateIdentity.FromChain([ca]));

        Assert.Equal("tls: client certificate is required", ex.Message);
    }

    [Fact]
    public void FromChain_TwoLeaves_ThrowsMoreThanOne()
    {
        using var first = TestCertificates.Leaf("first");
        using var second = TestCertificates.Leaf("second");
        using var ca = TestCertificates.Authority();

        var ex = Assert.Throws<ClientCertificateException>(() => CertificateIdentity.FromChain([first, ca, second]));

        Assert.Equal("tls: received more than one client certificate", ex.Message);
    }

    [Fact]
    public void TryFromChain_Failure_ReturnsKesMessage()
    {
        Assert.False(CertificateIdentity.TryFromChain([], out var identity, out var error));
        Assert.True(identity.IsUnknown);
        Assert.Equal(CertificateIdentity.ClientCertificateRequiredMessage, error);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(null, false)]
    public void IsCertificateAuthority_BasicConstraints_ReportsCaFlag(bool? ca, bool expected)
    {
        using var certificate = TestCertificates.Create("x", ca);

        Assert.Equal(expected, CertificateIdentity.IsCertificateAuthority(certificate));
    }

    // Structure only (identity never checks the signature): TBS with version, serial, algorithm, names, validity.
    private static byte[] HandMadeCertificate(byte[] spki)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                using (writer.PushSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0, true)))
                {
                    writer.WriteInteger(2);
                }

                writer.WriteInteger(1);
                WriteEd25519Algorithm(writer);
                writer.WriteEncodedValue(new X500DistinguishedName("CN=hand").RawData);
                using (writer.PushSequence())
                {
                    writer.WriteUtcTime(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
                    writer.WriteUtcTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
                }

                writer.WriteEncodedValue(new X500DistinguishedName("CN=hand").RawData);
                writer.WriteEncodedValue(spki);
            }

            WriteEd25519Algorithm(writer);
            writer.WriteBitString(new byte[64]);
        }

        return writer.Encode();
    }

    private static void WriteEd25519Algorithm(System.Formats.Asn1.AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.3.101.112");
        }
    }
}

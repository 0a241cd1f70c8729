using System.Security.Cryptography;
using KesGateway.Core.Identity;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Identity;

public class ApiKeyTests
{
    public static TheoryData<string> ApiKeyIdentityVectors => new(IdentityVectors.ApiKeyIdentities.Select(v => v.ApiKey));

    public static TheoryData<string> ApiKeyParsingVectors => new(IdentityVectors.ApiKeyParsing.Select(v => v.Input));

    [Theory]
    [MemberData(nameof(ApiKeyIdentityVectors))]
    public void Identity_Vector_MatchesExpected(string apiKeyText)
    {
        var vector = IdentityVectors.ApiKeyIdentities.Single(v => v.ApiKey == apiKeyText);

        using var apiKey = ApiKey.Parse(vector.ApiKey);

        Assert.Equal(vector.ExpectedIdentity, apiKey.Identity.Value);
    }

    [Theory]
    [MemberData(nameof(ApiKeyIdentityVectors))]
    public void Parse_Vector_DerivedSeedPublicKeyAndSpkiMatch(string apiKeyText)
    {
        var vector = IdentityVectors.ApiKeyIdentities.Single(v => v.ApiKey == apiKeyText);
        var decoded = Convert.FromBase64String(vector.ApiKey[ApiKey.Prefix.Length..]);

        using var apiKey = ApiKey.Parse(vector.ApiKey);
        var pkcs8 = apiKey.ExportPkcs8PrivateKey();

        Assert.Equal(vector.TypeByte, decoded[0]);
        Assert.Equal(vector.SeedHex, Convert.ToHexStringLower(decoded.AsSpan(1)));
        Assert.Equal(vector.SeedHex, Convert.ToHexStringLower(pkcs8.AsSpan(pkcs8.Length - ApiKey.SeedSize)));
        Assert.Equal(vector.PublicKeyHex, Convert.ToHexStringLower(apiKey.PublicKey));
        Assert.Equal(vector.SpkiHex, "302a300506032b6570032100" + vector.PublicKeyHex);
        Assert.Equal(vector.ExpectedIdentity, Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(vector.SpkiHex))));
    }

    [Theory]
    [MemberData(nameof(ApiKeyParsingVectors))]
    public void TryParse_Vector_OkRoundTripsOrFails(string input)
    {
        var vector = IdentityVectors.ApiKeyParsing.Single(v => v.Input == input);

        var ok = ApiKey.TryParse(vector.Input, out var apiKey, out var error);

        using (apiKey)
        {
            Assert.Equal(vector.ExpectOk, ok);
            if (vector.ExpectOk)
            {
                Assert.Null(error);
                Assert.Equal(vector.CanonicalString, apiKey!.ToString());
            }
            else
            {
                Assert.StartsWith("kes: invalid API key: ", error);
                Assert.Null(apiKey);
            }
        }
    }

    [Theory]
    [InlineData("kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc", "3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22")]
    [InlineData("kes:v1:ACQpoGqx3rHHjT938Hfu5hVVQJHZWSqVI2Xp1KlYxFVw", "0426fa9a04bc2756b92fbe8a97e1a1e07b53ecf04ed33da22c33e5c9faeb8cbb")]
    [InlineData("kes:v1:AMxvd2uV1l5dDSRwuKZxSjuM5BDemlr+685+JAHA1TuJ", "ab785e3b95d80d72cc9c27cb9fde886a0bf9068a69d40e3bd08a54e68c3f2bf7")]
    [InlineData("kes:v1:AGaV6VXHasF0FnaB60WdCOeTZ8eTIDikL4zlN16c8NAs", "ea9826089311fe44d7590408ede9150f7c637b6cab0a91ee6fe1aa5d9fb366f6")]
    [InlineData("kes:v1:ABfa1xsnIV0lltXQC8tHXic8lte7J6hT7EoGv6+s5QCW", "cf6c535e738c1dd47a1d746366fde7f0309d1e0a8471b9f6e909833906afbbfa")]
    public void Identity_SpecAndTutorialExamples_MatchExpected(string text, string identity)
    {
        using var apiKey = ApiKey.Parse(text);

        Assert.Equal(identity, apiKey.Identity.Value);
        Assert.Equal(text, apiKey.ToString());
    }

    [Fact]
    public void Parse_FirstSpecExample_HasDocumentedSeedAndPublicKey()
    {
        using var apiKey = ApiKey.Parse("kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc");

        Assert.Equal("bce7ef7e567e6487fe084ab3ee223d6ce264c9967625abfecaafa9e5be5b04b1", Convert.ToHexStringLower(apiKey.PublicKey));
        var pkcs8 = apiKey.ExportPkcs8PrivateKey();

        // kes-compat.md §4.3 prints the seed as …fb52788c7a96…, two hex digits transposed: the base64 of the key
        // (and of root.key) decodes to …fb5278c47a96…, which is also what yields the documented public key.
        Assert.Equal("3f44ec54985ab303f958e123aab9e397184fd60ec85c596fb5278c47a960345c", Convert.ToHexStringLower(pkcs8.AsSpan(16)));
    }

    [Fact]
    public void Parse_WithoutPrefix_ParsesLikeKmsGo()
    {
        using var apiKey = ApiKey.Parse("AGaV6VXHasF0FnaB60WdCOeTZ8eTIDikL4zlN16c8NAs");

        Assert.Equal("kes:v1:AGaV6VXHasF0FnaB60WdCOeTZ8eTIDikL4zlN16c8NAs", apiKey.ToString());
    }

    [Fact]
    public void Parse_WithLineBreaks_IgnoresThemLikeGoBase64()
    {
        using var apiKey = ApiKey.Parse("kes:v1:AGaV6VXHasF0FnaB60WdCOeT\r\nZ8eTIDikL4zlN16c8NAs\n");

        Assert.Equal("kes:v1:AGaV6VXHasF0FnaB60WdCOeTZ8eTIDikL4zlN16c8NAs", apiKey.ToString());
    }

    [Theory]
    [InlineData("", "kes: invalid API key: empty")]
    [InlineData("kes:v1:", "kes: invalid API key: empty")]
    [InlineData("v1:AM0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08E", "kes: invalid API key: illegal base64 data at input byte 2")]
    [InlineData("kes:AM0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08E", "kes: invalid API key: illegal base64 data at input byte 3")]
    [InlineData("kes:v2:AM0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08E", "kes: invalid API key: illegal base64 data at input byte 3")]
    [InlineData("kes:v1:AM0F5TP43FYEShMzA42f2drFYGn OiNx7UH4DK0nm08E", "kes: invalid API key: illegal base64 data at input byte 27")]
    [InlineData(" kes:v1:AM0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08E", "kes: invalid API key: illegal base64 data at input byte 0")]
    [InlineData("kes:v1:AM0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08", "kes: invalid API key: illegal base64 data at input byte 43")]
    [InlineData("kes:v1:AM0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm0==", "kes: invalid API key: invalid length")]
    [InlineData("kes:v1:AM0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08EAAAA", "kes: invalid API key: invalid length")]
    [InlineData("kes:v1:ABfa", "kes: invalid API key: invalid length")]
    [InlineData("kes:v1:AM0F5TP43FYEShMzA42f2d=FYGnBOiNx7UH4DK0nm08E", "kes: invalid API key: illegal base64 data at input byte 23")]
    [InlineData("kes:v1:sbDvZFqUPFFwxRS4EkuoEb2nyyInkdKSUEYHXFHeTouW", "kes: invalid API key: unsupported type")]
    [InlineData("kes:v1:AU0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08E", "kes: invalid API key: unsupported type")]
    public void TryParse_Malformed_FailsWithReason(string input, string expected)
    {
        var ok = ApiKey.TryParse(input, out var apiKey, out var error);

        Assert.False(ok);
        Assert.Null(apiKey);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_Null_FailsAsEmpty()
    {
        Assert.False(ApiKey.TryParse(null, out _, out var error));
        Assert.Equal("kes: invalid API key: empty", error);
    }

    [Fact]
    public void Parse_Malformed_ThrowsFormatExceptionWithoutKeyMaterial()
    {
        const string Input = "kes:v1:AU0F5TP43FYEShMzA42f2drFYGnBOiNx7UH4DK0nm08E";

        var ex = Assert.Throws<FormatException>(() => ApiKey.Parse(Input));

        Assert.Equal("kes: invalid API key: unsupported type", ex.Message);
        Assert.DoesNotContain("U0F5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_RandomKeys_RoundTripThroughFormatAndParse()
    {
        for (var i = 0; i < 200; i++)
        {
            using var generated = ApiKey.Generate();
            var text = generated.ToString();

            using var parsed = ApiKey.Parse(text);

            Assert.Equal(ApiKey.TextLength, text.Length);
            Assert.StartsWith("kes:v1:A", text);
            Assert.Equal(text, parsed.ToString());
            Assert.Equal(generated.Identity, parsed.Identity);
            Assert.True(parsed.Identity.IsValid);
            Assert.Equal(ApiKey.IdentityOfPublicKey(parsed.PublicKey), parsed.Identity);
        }
    }

    [Fact]
    public void FromSeed_RandomSeeds_RoundTripThroughText()
    {
        var seed = new byte[ApiKey.SeedSize];
        for (var i = 0; i < 100; i++)
        {
            RandomNumberGenerator.Fill(seed);
            using var apiKey = ApiKey.FromSeed(seed);

            var text = apiKey.ToString();

            Assert.Equal(seed, Convert.FromBase64String(text[ApiKey.Prefix.Length..]).AsSpan(1).ToArray());
        }
    }

    [Fact]
    public void Generate_TwoKeys_Differ()
    {
        using var first = ApiKey.Generate();
        using var second = ApiKey.Generate();

        Assert.NotEqual(first.Identity, second.Identity);
    }

    [Fact]
    public void Dispose_ThenToString_Throws()
    {
        var apiKey = ApiKey.Generate();
        var identity = apiKey.Identity;

        apiKey.Dispose();

        Assert.Throws<ObjectDisposedException>(() => apiKey.ToString());
        Assert.Throws<ObjectDisposedException>(() => apiKey.ExportPkcs8PrivateKey());
        Assert.Equal(identity, apiKey.Identity);
    }

    [Fact]
    public void FromPkcs8PrivateKeyPem_RootKeyVector_IsPublicPlayApiKey()
    {
        var vector = IdentityVectors.CertificateIdentities.Single(v => v.Name == "root.cert");

        using var apiKey = ApiKey.FromPkcs8PrivateKeyPem(vector.PrivateKeyPem);

        Assert.Equal("kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc", apiKey.ToString());
        Assert.Equal(vector.ExpectedIdentity, apiKey.Identity.Value);
    }

    [Fact]
    public void ExportPkcs8PrivateKeyPem_RootKey_MatchesGoEncodingByteForByte()
    {
        var vector = IdentityVectors.CertificateIdentities.Single(v => v.Name == "root.cert");
        using var apiKey = ApiKey.Parse("kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc");

        Assert.Equal(vector.PrivateKeyPem, apiKey.ExportPkcs8PrivateKeyPem());
    }

    [Fact]
    public void FromPkcs8PrivateKey_OneAsymmetricKeyWithPublicKey_Parses()
    {
        using var original = ApiKey.Generate();
        var withPublicKey = Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory
            .CreatePrivateKeyInfo(original.ToBouncyCastlePrivateKey())
            .GetEncoded();

        using var parsed = ApiKey.FromPkcs8PrivateKey(withPublicKey);

        Assert.Equal(original.ToString(), parsed.ToString());
    }

    [Fact]
    public void FromPkcs8PrivateKeyPem_EcdsaKey_ThrowsUnsupported()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var ex = Assert.Throws<CryptographicException>(() => ApiKey.FromPkcs8PrivateKeyPem(ecdsa.ExportPkcs8PrivateKeyPem()));

        Assert.Equal("unsupported ECDSA private key: only Ed25519 private keys are supported", ex.Message);
    }

    [Theory]
    [InlineData("no pem here", "no PEM private key found")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "unsupported private key format 'EC PRIVATE KEY': only PKCS#8 Ed25519 private keys are supported")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted private keys are not supported")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "x509: malformed PKCS#8 private key")]
    public void FromPkcs8PrivateKeyPem_NotAnEd25519Pkcs8Key_Throws(string pem, string message)
    {
        var ex = Assert.Throws<CryptographicException>(() => ApiKey.FromPkcs8PrivateKeyPem(pem));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void FromSeed_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => ApiKey.FromSeed(new byte[31]));
    }
}

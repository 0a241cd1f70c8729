using System.Security.Cryptography;
using KesGateway.Core.Crypto;

namespace KesGateway.Tests.Crypto;

public sealed class HmacKeyTests
{
    // Known answers computed independently (Python hmac/hashlib) with key = bytes 00..1f.
    [Theory]
    [InlineData("root access key", "a94e67a64dd0459034dfde74b30a5863b38e4e53f738ae321157a26ee74740c8")]
    [InlineData("root secret key", "b8d689d061c7201cc5e9e6de292b2b5e74af2c5a109d9a1572f026531bdf1dbc")]
    [InlineData("", "d38b42096d80f45f826b44a9d5607de72496a415d3f4a1a8c88e3bb9da8dc1cb")]
    public void Compute_KnownKey_MatchesKnownAnswer(string message, string expectedHex)
    {
        using var sut = new HmacKey(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var destination = new byte[32];

        var written = sut.Compute(System.Text.Encoding.ASCII.GetBytes(message), destination);

        Assert.Equal(32, written);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(destination));
    }

    [Fact]
    public void Compute_RandomKeyAndMessage_MatchesHmacSha256()
    {
        var random = new Random(5);
        for (var i = 0; i < 50; i++)
        {
            var key = CryptoTestData.RandomBytes(random, 32);
            var message = CryptoTestData.RandomBytes(random, random.Next(0, 2000));
            using var sut = new HmacKey(key);

            Assert.Equal(HMACSHA256.HashData(key, message), sut.Compute(message));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(64)]
    public void Constructor_WrongLength_Throws(int length)
        => Assert.Throws<ArgumentException>(() => new HmacKey(new byte[length]));

    [Fact]
    public void Dispose_ZeroesKeyAndRejectsUse()
    {
        var sut = HmacKey.Generate();
        var material = sut.KeyMaterial;
        Assert.Contains(material.ToArray(), b => b != 0);

        sut.Dispose();

        Assert.All(material.ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => sut.Compute("m"u8));
    }
}

using System.Text;
using KesGateway.Core.Crypto;

namespace KesGateway.Tests.Crypto;

public sealed class MessageAeadTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Seal_Rfc8439AeadVector_MatchesTag(bool useBouncyCastle)
    {
        // RFC 8439 §2.8.2.
        var key = Convert.FromHexString("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        var nonce = Convert.FromHexString("070000004041424344454647");
        var associatedData = Convert.FromHexString("50515253c0c1c2c3c4c5c6c7");
        var plaintext = Encoding.ASCII.GetBytes("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
        var sealedBytes = new byte[plaintext.Length + 16];

        MessageAead.Seal(chaCha: true, key, nonce, plaintext, associatedData, sealedBytes, useBouncyCastle);

        Assert.Equal("1ae10b594f09e26a7e902ecbd0600691", Convert.ToHexStringLower(sealedBytes.AsSpan(plaintext.Length)));
        Assert.StartsWith("d31a8d34648e60db7b86afbc53ef7ec2", Convert.ToHexStringLower(sealedBytes), StringComparison.Ordinal);
    }

    // The BouncyCastle fallback must be interchangeable with the BCL implementation.
    [Fact]
    public void ChaCha20Poly1305_BouncyCastleAndBcl_AreInterchangeable()
    {
        var random = new Random(3);
        foreach (var length in new[] { 0, 1, 63, 64, 65, 1000 })
        {
            var key = Bytes(random, 32);
            var nonce = Bytes(random, 12);
            var associatedData = Bytes(random, random.Next(0, 40));
            var plaintext = Bytes(random, length);
            var bcl = new byte[length + 16];
            var managed = new byte[length + 16];

            MessageAead.Seal(true, key, nonce, plaintext, associatedData, bcl, useBouncyCastle: false);
            MessageAead.Seal(true, key, nonce, plaintext, associatedData, managed, useBouncyCastle: true);
            Assert.Equal(bcl, managed);

            var opened = new byte[length];
            Assert.True(MessageAead.TryOpen(true, key, nonce, bcl, associatedData, opened, useBouncyCastle: true));
            Assert.Equal(plaintext, opened);
            bcl[^1] ^= 1;
            Assert.False(MessageAead.TryOpen(true, key, nonce, bcl, associatedData, opened, useBouncyCastle: true));
            Assert.False(MessageAead.TryOpen(true, key, nonce, bcl, associatedData, opened, useBouncyCastle: false));
            Assert.All(opened, b => Assert.Equal(0, b));
        }
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void TryOpen_ShorterThanTag_ReturnsFalse()
        => Assert.False(MessageAead.TryOpen(false, new byte[32], new byte[12], new byte[15], [], new byte[16]));
}

using KesGateway.Core.Crypto;

namespace KesGateway.Tests.Crypto;

public sealed class HChaCha20Tests
{
    [Fact]
    public void DeriveKey_XChaChaDraftVector_MatchesExpected()
    {
        // draft-irtf-cfrg-xchacha-03 §2.2.1.
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        var nonce = Convert.FromHexString("000000090000004a0000000031415927");
        var destination = new byte[32];

        HChaCha20.DeriveKey(key, nonce, destination);

        Assert.Equal("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc", Convert.ToHexStringLower(destination));
    }

    [Theory]
    [InlineData(31, 16, 32)]
    [InlineData(32, 15, 32)]
    [InlineData(32, 16, 31)]
    public void DeriveKey_WrongLengths_Throws(int keyLength, int nonceLength, int destinationLength)
        => Assert.Throws<ArgumentException>(() => HChaCha20.DeriveKey(new byte[keyLength], new byte[nonceLength], new byte[destinationLength]));
}

using KesGateway.Core.Crypto;

namespace KesGateway.Tests.Crypto;

public sealed class MsgpackCiphertextReaderTests
{
    // decrypt.json key_test.secretKeyDecryptTests[3].
    private static readonly byte[] Official = Convert.FromHexString(
        "95b14145533235362d47434d5f534841323536d9203636363837616164663836326264373736633866633138623865396638653230c4104c6fecb01de28cf449a1d9ad7e4b06e7c40c428c135a30d420df505aeabfc42026ecbb4b0fa356acfdf532b51d5f39d4b4f72b89b0c03bf8e930769e05a40094");

    [Fact]
    public void TryRead_OfficialVector_ReturnsParts()
    {
        Assert.True(MsgpackCiphertextReader.TryRead(Official, out var type, out var iv, out var nonce, out var sealedBytes));

        Assert.Equal(KeyType.AES256, type);
        Assert.Equal("4c6fecb01de28cf449a1d9ad7e4b06e7", Convert.ToHexStringLower(iv));
        Assert.Equal("428c135a30d420df505aeabf", Convert.ToHexStringLower(nonce));
        Assert.Equal(32, sealedBytes.Length);
    }

    [Theory]
    [InlineData("AES256-GCM_SHA256", KeyType.AES256)]
    [InlineData("AES256", KeyType.AES256)]
    [InlineData("XCHACHA20-POLY1305", KeyType.ChaCha20)]
    [InlineData("ChaCha20", KeyType.ChaCha20)]
    public void TryRead_EveryAlgorithmNameAndWidth_ReturnsParts(string algorithm, KeyType expected)
    {
        var raw = CryptoTestData.RandomBytes(new Random(1), 300 + 28);
        foreach (var width in new[] { 0, 1, 2, 4 })
        {
            foreach (var strBinaries in new[] { false, true })
            {
                var data = CiphertextBuilder.Msgpack(raw, algorithm, width: width, strBinaries: strBinaries);

                Assert.True(MsgpackCiphertextReader.TryRead(data, out var type, out var iv, out var nonce, out var sealedBytes));
                Assert.Equal(expected, type);
                Assert.Equal(raw, (byte[])[.. sealedBytes, .. iv, .. nonce]);
            }
        }
    }

    [Theory]
    [InlineData("AES-256-GCM-HMAC-SHA-256")]
    [InlineData("ChaCha20Poly1305")]
    [InlineData("aes256")]
    [InlineData("")]
    public void TryRead_UnknownAlgorithm_ReturnsFalse(string algorithm)
        => Assert.False(MsgpackCiphertextReader.TryRead(CiphertextBuilder.Msgpack(new byte[60], algorithm), out _, out _, out _, out _));

    [Fact]
    public void TryRead_TrailingByte_ReturnsFalse()
        => Assert.False(MsgpackCiphertextReader.TryRead([.. Official, 0x00], out _, out _, out _, out _));

    [Fact]
    public void TryRead_EveryTruncation_ReturnsFalse()
    {
        for (var length = 0; length < Official.Length; length++)
        {
            Assert.False(MsgpackCiphertextReader.TryRead(Official.AsSpan(0, length), out _, out _, out _, out _), $"length {length}");
        }
    }

    [Theory]
    [InlineData(0, 0x94)] // 4 items
    [InlineData(0, 0x96)] // 6 items
    [InlineData(1, 0xc4)] // algorithm as bin
    [InlineData(19, 0xa0)] // key id as fixstr of wrong length
    [InlineData(53, 0xc0)] // iv as nil
    [InlineData(54, 0x0f)] // iv of 15 bytes
    [InlineData(72, 0x0d)] // nonce of 13 bytes
    [InlineData(86, 0xff)] // sealed length beyond the end
    public void TryRead_CorruptedHeader_ReturnsFalse(int offset, byte value)
    {
        var data = (byte[])Official.Clone();
        data[offset] = value;

        Assert.False(MsgpackCiphertextReader.TryRead(data, out _, out _, out _, out _));
    }

    [Fact]
    public void TryRead_Str32LengthOverflowingInt_ReturnsFalse()
        => Assert.False(MsgpackCiphertextReader.TryRead([0x95, 0xdb, 0xff, 0xff, 0xff, 0xff, 0x41], out _, out _, out _, out _));
}

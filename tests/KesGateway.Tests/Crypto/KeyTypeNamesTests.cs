using KesGateway.Core.Crypto;

namespace KesGateway.Tests.Crypto;

public sealed class KeyTypeNamesTests
{
    [Theory]
    [InlineData("AES256", KeyType.AES256)]
    [InlineData("AES256-GCM_SHA256", KeyType.AES256)]
    [InlineData("ChaCha20", KeyType.ChaCha20)]
    [InlineData("XCHACHA20-POLY1305", KeyType.ChaCha20)]
    public void TryParse_KesName_ReturnsType(string name, KeyType expected)
    {
        Assert.True(KeyTypeNames.TryParse(name, out var type));
        Assert.Equal(expected, type);
        Assert.True(KeyTypeNames.TryParseUtf8(System.Text.Encoding.UTF8.GetBytes(name), out type));
        Assert.Equal(expected, type);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("aes256")]
    [InlineData("CHACHA20")]
    [InlineData("AES-256-GCM-HMAC-SHA-256")]
    [InlineData("ChaCha20Poly1305")]
    [InlineData(" AES256")]
    public void TryParse_OtherName_ReturnsFalse(string? name)
        => Assert.False(KeyTypeNames.TryParse(name, out _));

    [Theory]
    [InlineData(KeyType.AES256, "AES256")]
    [InlineData(KeyType.ChaCha20, "ChaCha20")]
    public void GetDisplayName_Type_ReturnsDescribeName(KeyType type, string expected)
        => Assert.Equal(expected, KeyTypeNames.GetDisplayName(type));

    [Fact]
    public void GetDisplayName_UndefinedType_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => KeyTypeNames.GetDisplayName((KeyType)0));

    [Fact]
    public void KeyType_Values_AreProtobufNumbers()
    {
        Assert.Equal(1, (int)KeyType.AES256);
        Assert.Equal(2, (int)KeyType.ChaCha20);
    }
}

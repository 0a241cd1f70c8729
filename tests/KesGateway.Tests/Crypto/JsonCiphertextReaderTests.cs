using System.Text;
using KesGateway.Core.Crypto;

namespace KesGateway.Tests.Crypto;

public sealed class JsonCiphertextReaderTests
{
    private const string Iv = "xLxIN3tSCkg2xMafuvwUwg==";
    private const string Nonce = "gu0mGwUkwcvMEoi5";
    private const string Bytes = "WVgRjeIJm3w50C/l+y7y2i6mbNg5NCAqN1zvOYWZKmc=";
    private const string Valid = "{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}";

    [Theory]
    [InlineData(Valid, "AesGcmHmacSha256")]
    [InlineData("{\"aead\":\"ChaCha20Poly1305\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}", "ChaCha20Poly1305")]
    [InlineData("{\"AEAD\":\"ChaCha20Poly1305\",\"Iv\":\"" + Iv + "\",\"NONCE\":\"" + Nonce + "\",\"BYTES\":\"" + Bytes + "\"}", "ChaCha20Poly1305")]
    [InlineData("{\"aead\":\"ChaCha20Poly1305\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"byte\u017F\":\"" + Bytes + "\"}", "ChaCha20Poly1305")]
    [InlineData(" {\"aead\" : \"AES-256-GCM-HMAC-SHA-256\",\n\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}\r\n", "AesGcmHmacSha256")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"id\":\"66687aadf862bd776c8fc18b8e9f8e20\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}", "AesGcmHmacSha256")]
    [InlineData("{\"aead\":\"ChaCha20Poly1305\",\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}", "AesGcmHmacSha256")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"aead\":null,\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}", "AesGcmHmacSha256")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"AAAA\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}", "AesGcmHmacSha256")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"EjOY4JKqjIrPmQ5z1KSR8zlhggY=\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}", "AesGcmHmacSha256")]
    [InlineData("{\"x\":{\"y\":[1,2,{\"iv\":3}]},\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\",\"z\":true}", "AesGcmHmacSha256")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"xLxIN3tSCkg2\\r\\nxMafuvwUwg==\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"WVgRjeIJm3w50C\\/l\\u002by7y2i6mbNg5NCAqN1zvOYWZKmc=\"}", "AesGcmHmacSha256")]
    [InlineData("{\"\\u0061ead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}", "AesGcmHmacSha256")]
    public void TryRead_GoAcceptedJson_ReturnsParts(string json, string expected)
    {
        var iv = new byte[16];
        var nonce = new byte[12];
        var buffer = new byte[json.Length * 2];

        Assert.True(JsonCiphertextReader.TryRead(Encoding.UTF8.GetBytes(json), false, iv, nonce, buffer, out var length, out var cipher));

        Assert.Equal(Enum.Parse<MessageCipher>(expected), cipher);
        Assert.Equal(Iv, Convert.ToBase64String(iv));
        Assert.Equal(Nonce, Convert.ToBase64String(nonce));
        Assert.Equal(Bytes, Convert.ToBase64String(buffer, 0, length));
    }

    [Theory]
    [InlineData("{\"aead\":\"AES-256-GCM\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")] // only with the opt-in
    [InlineData("{\"aead\":\"aes-256-gcm-hmac-sha-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")] // values are case-sensitive
    [InlineData("{\"aead\":\"AES256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")] // msgpack names are not JSON names
    [InlineData("{\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"iv\":\"EjOY4JKqjIrPmQ5z1KSR8zlhggY=\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"efY+4kYF9n8=\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"xLxIN3tSCkg2xMafuvwUwg\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")] // no padding
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"xLxIN3tSCkg2 xMafuvwUwg==\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")] // space
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"WVgRjeIJm3w50C_l-y7y2i6mbNg5NCAqN1zvOYWZKmc=\"}")] // URL-safe
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\",\"bytes\":\"!\"}")] // a bad later duplicate is still an error
    [InlineData("{\"aead\":5,\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"id\":7,\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":[1,2],\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData(Valid + "x")]
    [InlineData(Valid + "{}")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",}")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\" \"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData("{")]
    [InlineData("{}")]
    [InlineData("{/*c*/\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    public void TryRead_GoRejectedJson_ReturnsFalse(string json)
    {
        var buffer = new byte[json.Length * 2];

        Assert.False(JsonCiphertextReader.TryRead(Encoding.UTF8.GetBytes(json), false, new byte[16], new byte[12], buffer, out _, out _));
    }

    [Fact]
    public void TryRead_LegacyAlgorithmWithOptIn_ReturnsLegacyCipher()
    {
        var json = "{\"aead\":\"AES-256-GCM\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}";

        Assert.True(JsonCiphertextReader.TryRead(Encoding.UTF8.GetBytes(json), true, new byte[16], new byte[12], new byte[json.Length], out _, out var cipher));
        Assert.Equal(MessageCipher.AesGcmLegacyKdf, cipher);
    }

    // Go accepts invalid UTF-8 inside strings (replacing it); the id and unknown fields are ignored either way.
    [Fact]
    public void TryRead_InvalidUtf8InIgnoredStrings_IsAccepted()
    {
        byte[] json = [.. "{\"id\":\""u8, 0xff, 0xfe, .. "\",\""u8, 0xc3, .. "\":\"\\ud800\","u8, .. Encoding.UTF8.GetBytes(Valid[1..])];

        Assert.True(JsonCiphertextReader.TryRead(json, false, new byte[16], new byte[12], new byte[json.Length], out _, out _));
    }

    [Theory]
    [InlineData("{\"aead\":\"\\ud800\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData("{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"\\udc00" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"" + Bytes + "\"}")]
    [InlineData("{\"\\ud800\":1,\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"" + Iv + "\",\"nonce\":\"" + Nonce + "\",\"bytes\":\"\\ud800" + Bytes + "\"}")]
    public void TryRead_LoneSurrogateEscapeInUsedValue_ReturnsFalseWithoutThrowing(string json)
        => Assert.False(JsonCiphertextReader.TryRead(Encoding.UTF8.GetBytes(json), false, new byte[16], new byte[12], new byte[json.Length], out _, out _));

    [Fact]
    public void TryRead_DeeplyNestedUnknownField_IsSkipped()
    {
        var json = "{\"x\":" + new string('[', 500) + new string(']', 500) + "," + Valid[1..];

        Assert.True(JsonCiphertextReader.TryRead(Encoding.UTF8.GetBytes(json), false, new byte[16], new byte[12], new byte[json.Length], out _, out _));
    }
}

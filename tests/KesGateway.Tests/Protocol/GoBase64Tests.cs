using System.Text;
using KesGateway.Core.Protocol;

namespace KesGateway.Tests.Protocol;

public sealed class GoBase64Tests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("AA==", "00")]
    [InlineData("AAE=", "0001")]
    [InlineData("AAEC", "000102")]
    [InlineData("AA\r\n==", "00")]
    [InlineData("A\nA=\r=", "00")]
    [InlineData("\r\n", "")]
    [InlineData("+/+/", "fbffbf")]
    [InlineData("AB==", "00")] // Go's StdEncoding (not Strict) ignores non-zero unused bits; the BCL does not.
    [InlineData("AP==", "00")]
    [InlineData("AAF=", "0001")]
    [InlineData("AAF=\r\n", "0001")]
    [InlineData("AA/=", "000f")]
    public void TryDecode_GoAcceptedInput_Decodes(string text, string expectedHex)
    {
        var utf8 = Encoding.ASCII.GetBytes(text);
        var destination = new byte[16];

        Assert.True(GoBase64.TryGetDecodedLength(utf8, out var length));
        Assert.True(GoBase64.TryDecode(utf8, destination, out var written));
        Assert.Equal(expectedHex.Length / 2, length);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(destination.AsSpan(0, written)));
    }

    [Theory]
    [InlineData("AA")] // missing padding
    [InlineData("AAE")]
    [InlineData("AA=")]
    [InlineData("AA== ")]
    [InlineData(" AA==")]
    [InlineData("AA\t==")]
    [InlineData("-_-_")] // URL-safe alphabet
    [InlineData("AA==AA==")]
    [InlineData("AAA==")]
    [InlineData("A===")]
    [InlineData("====")]
    public void TryDecode_GoRejectedInput_ReturnsFalse(string text)
    {
        var utf8 = Encoding.ASCII.GetBytes(text);

        Assert.False(GoBase64.TryGetDecodedLength(utf8, out _) && GoBase64.TryDecode(utf8, new byte[16], out _));
    }

    // Only CR and LF are skipped; every other byte outside the alphabet is an error, as in Go.
    [Fact]
    public void TryDecode_EveryNonAlphabetByteInside_OnlyCrLfAccepted()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (var b = 0; b < 256; b++)
        {
            if (Alphabet.Contains((char)b, StringComparison.Ordinal) || b == '=')
            {
                continue;
            }

            byte[] utf8 = [(byte)'A', (byte)'A', (byte)b, (byte)'E', (byte)'='];
            var accepted = GoBase64.TryGetDecodedLength(utf8, out _) && GoBase64.TryDecode(utf8, new byte[16], out _);

            Assert.True(accepted == (b is '\r' or '\n'), $"byte 0x{b:x2}");
        }
    }

    [Fact]
    public void TryDecode_DestinationTooShort_ReturnsFalse()
        => Assert.False(GoBase64.TryDecode("AAECAw=="u8, new byte[3], out _));
}

using System.Globalization;
using System.Text;
using KesGateway.Core.Crypto;

namespace KesGateway.Tests.Crypto;

public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2009-11-10T23:00:00Z", "2009-11-10T23:00:00.0000000+00:00", 0)]
    [InlineData("2024-01-12T11:39:20.886816+01:00", "2024-01-12T10:39:20.8868160+00:00", 886816000)]
    [InlineData("2024-01-12T10:39:20.123456789Z", "2024-01-12T10:39:20.1234567+00:00", 123456789)]
    [InlineData("2024-01-12T10:39:20.1234567891Z", "2024-01-12T10:39:20.1234567+00:00", 123456789)]
    [InlineData("2024-01-12T10:39:20,5Z", "2024-01-12T10:39:20.5000000+00:00", 500000000)]
    [InlineData("2024-02-29T23:59:59-23:59", "2024-03-01T23:58:59.0000000+00:00", 0)]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000+00:00", 0)]
    public void TryParse_GoTime_ReturnsUtcAndNanoseconds(string text, string expectedUtc, int expectedNanos)
    {
        Assert.True(Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out var utc, out var nanos));

        Assert.Equal(DateTimeOffset.Parse(expectedUtc, CultureInfo.InvariantCulture), utc);
        Assert.Equal(TimeSpan.Zero, utc.Offset);
        Assert.Equal(expectedNanos, nanos);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2009-11-10")]
    [InlineData("2009-11-10 23:00:00Z")]
    [InlineData("2009-11-10t23:00:00Z")]
    [InlineData("2009-11-10T23:00:00z")]
    [InlineData("2009-11-10T23:00:00")]
    [InlineData("2009-11-10T24:00:00Z")]
    [InlineData("2009-11-10T23:60:00Z")]
    [InlineData("2009-11-10T23:00:60Z")]
    [InlineData("2009-13-10T23:00:00Z")]
    [InlineData("2023-02-29T23:00:00Z")]
    [InlineData("2009-11-10T23:00:00.Z")]
    [InlineData("2009-11-10T23:00:00+0100")]
    [InlineData("2009-11-10T23:00:00+24:00")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00+00:01")]
    [InlineData("2009-11-10T23:00:00Z ")]
    public void TryParse_NotRfc3339_ReturnsFalse(string text)
        => Assert.False(Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out _, out _));
}

using KesGateway.Core.Protocol;

namespace KesGateway.Tests.Protocol;

public class GoDurationTests
{
    [Theory]
    [InlineData("720h", 720L * 3_600_000_000_000)]
    [InlineData("1h30m", 5_400_000_000_000)]
    [InlineData("90s", 90_000_000_000)]
    [InlineData("1.5h", 5_400_000_000_000)]
    [InlineData("500ms", 500_000_000)]
    [InlineData("0", 0)]
    [InlineData("+0", 0)]
    [InlineData("-0", 0)]
    [InlineData("0s", 0)]
    [InlineData("5m0s", 300_000_000_000)]
    [InlineData("300ms", 300_000_000)]
    [InlineData("-2s", -2_000_000_000)]
    [InlineData("+2s", 2_000_000_000)]
    [InlineData("1ns", 1)]
    [InlineData("1us", 1_000)]
    [InlineData("1µs", 1_000)]
    [InlineData("1μs", 1_000)]
    [InlineData(".5s", 500_000_000)]
    [InlineData("5.s", 5_000_000_000)]
    [InlineData("1.000000001s", 1_000_000_001)]
    [InlineData("1h1m1s1ms1us1ns", 3_661_001_001_001)]
    [InlineData("3h3h", 21_600_000_000_000)]
    [InlineData("9223372036854775807ns", long.MaxValue)]
    [InlineData("-9223372036854775808ns", long.MinValue)]
    [InlineData("0.100000000000000000000h", 360_000_000_000)]
    [InlineData("0.830103483285477580700h", 2_988_372_539_827)]
    public void TryParseNanoseconds_GoSyntax_MatchesGo(string text, long expected)
    {
        Assert.True(GoDuration.TryParseNanoseconds(text, out var nanoseconds, out var error), error);
        Assert.Equal(expected, nanoseconds);
    }

    [Theory]
    [InlineData("720h", 720 * 60 * 60)]
    [InlineData("1h30m", 90 * 60)]
    [InlineData("90s", 90)]
    public void Parse_Valid_ReturnsTimeSpan(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text));
    }

    [Fact]
    public void Parse_SubTickPrecision_Truncates()
    {
        Assert.Equal(TimeSpan.FromTicks(1), GoDuration.Parse("150ns"));
    }

    [Theory]
    [InlineData("", "time: invalid duration \"\"")]
    [InlineData("-", "time: invalid duration \"-\"")]
    [InlineData("30", "time: missing unit in duration \"30\"")]
    [InlineData("1h30", "time: missing unit in duration \"1h30\"")]
    [InlineData("1x", "time: unknown unit \"x\" in duration \"1x\"")]
    [InlineData("1H", "time: unknown unit \"H\" in duration \"1H\"")]
    [InlineData("1 s", "time: unknown unit \" s\" in duration \"1 s\"")]
    [InlineData("s", "time: invalid duration \"s\"")]
    [InlineData(".s", "time: invalid duration \".s\"")]
    [InlineData("1h ", "time: unknown unit \"h \" in duration \"1h \"")]
    [InlineData(" 1h", "time: invalid duration \" 1h\"")]
    [InlineData("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\"")]
    [InlineData("3000000h", "time: invalid duration \"3000000h\"")]
    [InlineData("99999999999999999999s", "time: invalid duration \"99999999999999999999s\"")]
    public void TryParse_Invalid_FailsNamingTheValue(string text, string expected)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatException()
    {
        var ex = Assert.Throws<FormatException>(() => GoDuration.Parse("10"));

        Assert.Contains("\"10\"", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1L, "1ns")]
    [InlineData(1_100L, "1.1µs")]
    [InlineData(2_200_000L, "2.2ms")]
    [InlineData(3_300_000_000L, "3.3s")]
    [InlineData(-4_000_000_000L, "-4s")]
    [InlineData(300_000_000_000L, "5m0s")]
    [InlineData(5_400_000_000_000L, "1h30m0s")]
    [InlineData(720L * 3_600_000_000_000, "720h0m0s")]
    [InlineData(3_661_001_000_000L, "1h1m1.001s")]
    [InlineData(long.MaxValue, "2562047h47m16.854775807s")]
    [InlineData(long.MinValue, "-2562047h47m16.854775808s")]
    public void FormatNanoseconds_Value_MatchesGoString(long nanoseconds, string expected)
    {
        Assert.Equal(expected, GoDuration.FormatNanoseconds(nanoseconds));
    }

    [Theory]
    [InlineData("720h")]
    [InlineData("1h30m")]
    [InlineData("1.5s")]
    [InlineData("-250ms")]
    public void Format_ParsedValue_RoundTrips(string text)
    {
        var value = GoDuration.Parse(text);

        Assert.Equal(value, GoDuration.Parse(GoDuration.Format(value)));
    }
}

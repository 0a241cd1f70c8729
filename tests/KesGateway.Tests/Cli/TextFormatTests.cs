using KesGateway.Cli.Commands;
using KesGateway.Cli.Infrastructure;
using KesGateway.Core.Client;

namespace KesGateway.Tests.Cli;

public sealed class TextFormatTests
{
    [Theory]
    [InlineData(0UL, "0 B")]
    [InlineData(999UL, "999 B")]
    [InlineData(1000UL, "1.0 KB")]
    [InlineData(12_345_678UL, "12.3 MB")]
    [InlineData(3_000_000_000UL, "3.0 GB")]
    public void Size_DecimalUnitsOneDecimal(ulong bytes, string expected) => Assert.Equal(expected, TextFormat.Size(bytes));

    [Theory]
    [InlineData(40, "40 seconds")]
    [InlineData(60, "60 seconds")]
    [InlineData(61, "1 minutes")]
    [InlineData(3 * 3600, "3 hours")]
    [InlineData((2 * 24 * 3600) + (5 * 3600) + 59, "2 days 5 hours")]
    public void Uptime_LikeKesStatus(int seconds, string expected) => Assert.Equal(expected, TextFormat.Uptime(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(1_499_999, 1_000_000, 1_000_000)]
    [InlineData(1_500_000, 1_000_000, 2_000_000)]
    [InlineData(123, 100, 100)]
    public void Round_HalfAwayFromZero(long ticks, long unit, long expected) =>
        Assert.Equal(TimeSpan.FromTicks(expected), TextFormat.Round(TimeSpan.FromTicks(ticks), TimeSpan.FromTicks(unit)));

    [Fact]
    public void MetricFrame_KesLayout_EightLines()
    {
        var metric = new KesMetricSnapshot
        {
            RequestOK = 8,
            RequestErr = 2,
            LatencySum = TimeSpan.FromMilliseconds(50),
            LatencyCount = 10,
            UpTime = TimeSpan.FromSeconds(3723.7),
            HeapAlloc = 12_300_000,
            StackAlloc = 0,
            UsableCPUs = 4,
            Threads = 30,
        };

        var frame = MetricCommand.Frame(metric, 1.5);

        Assert.Equal(
            "\n"
            + "Request    OK [2xx]       Err [4xx]       Err [5xx]      Req/s        Latency\n"
            + "                  8               2               0       1.50            5ms\n"
            + "             80.00%          20.00%           0.00%\n"
            + "\n"
            + "System       UpTime            Heap           Stack       CPUs        Threads\n"
            + "             1h2m3s         12.3 MB             0 B          4             30\n"
            + "\n",
            frame);
    }
}

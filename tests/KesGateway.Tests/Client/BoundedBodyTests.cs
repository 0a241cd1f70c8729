using KesGateway.Core.Client;

namespace KesGateway.Tests.Client;

public sealed class BoundedBodyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(5000)]
    [InlineData(100_000)]
    public async Task ReadAsync_WithinLimit_ReadsEverything(int size)
    {
        var bytes = Enumerable.Range(0, size).Select(i => (byte)i).ToArray();
        using var content = new StreamContent(new MemoryStream(bytes));

        using var sut = await BoundedBody.ReadAsync(content, 100_000, Ct);

        Assert.False(sut.Truncated);
        Assert.Equal(bytes, sut.Span.ToArray());
    }

    [Fact]
    public async Task ReadAsync_OverLimit_StopsAndSaysTruncated()
    {
        using var content = new StreamContent(new MemoryStream(new byte[10_000]));

        using var sut = await BoundedBody.ReadAsync(content, 1000, Ct);

        Assert.True(sut.Truncated);
        Assert.Equal(1000, sut.Span.Length);
    }
}

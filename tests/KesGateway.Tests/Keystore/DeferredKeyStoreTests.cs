using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Memory;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Keystore;

public sealed class DeferredKeyStoreTests
{
    private readonly FakeTimeProvider _time = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Calls_BeforeConnecting_AreUnreachable_AfterwardsPassThrough()
    {
        var attempts = 0;
        var failures = new List<Exception>();
        await using var inner = new MemoryKeyStore();
        await inner.CreateAsync("k1", "v"u8.ToArray(), Ct);
        await using var sut = new DeferredKeyStore(
            "Test",
            _ => ++attempts < 2 ? Task.FromException<IKeyStore>(new KeyStoreUnreachableException("down")) : Task.FromResult<IKeyStore>(inner),
            TimeSpan.FromSeconds(3),
            _time,
            failures.Add);

        sut.Start();
        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await sut.GetAsync("k1", Ct));
        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await sut.StatusAsync(Ct));
        while (attempts < 2)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            await Task.Delay(5, Ct);
        }

        await sut.Connected.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(sut.IsConnected);
        Assert.Equal("v"u8.ToArray(), await sut.GetAsync("k1", Ct));
        Assert.Single(failures);
    }

    [Fact]
    public async Task Dispose_WhileConnecting_StopsTrying()
    {
        var attempts = 0;
        var sut = new DeferredKeyStore("Test", _ => Task.FromResult<IKeyStore>(new MemoryKeyStore()), TimeSpan.FromHours(1), _time, _ => attempts++);
        sut.Start();

        await sut.DisposeAsync();

        _time.Advance(TimeSpan.FromHours(2));

        Assert.False(sut.IsConnected);
        Assert.Equal(0, attempts);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await sut.GetAsync("k1", Ct));
    }
}

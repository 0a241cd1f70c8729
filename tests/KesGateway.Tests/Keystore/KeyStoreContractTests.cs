using System.Text;
using KesGateway.Core.Keystore;

namespace KesGateway.Tests.Keystore;

/// <summary>What every keystore must do; each store runs these through a subclass.</summary>
public abstract class KeyStoreContractTests : IAsyncLifetime
{
    private IKeyStore? _sut;

    protected IKeyStore Sut => _sut ?? throw new InvalidOperationException("not initialized");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _sut = CreateStore();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_sut is not null)
        {
            await _sut.DisposeAsync();
        }

        Cleanup();
        GC.SuppressFinalize(this);
    }

    protected abstract IKeyStore CreateStore();

    /// <summary>Removes what the store left behind; xunit calls only DisposeAsync on an IAsyncLifetime class.</summary>
    protected virtual void Cleanup()
    {
    }

    [Fact]
    public async Task CreateAsync_NewName_StoresValue()
    {
        Assert.True(await Sut.CreateAsync("k1", "value-1"u8.ToArray(), Ct));

        Assert.Equal("value-1", Encoding.UTF8.GetString((await Sut.GetAsync("k1", Ct))!));
    }

    [Fact]
    public async Task CreateAsync_ExistingName_ReturnsFalseAndKeepsOldValue()
    {
        await Sut.CreateAsync("k1", "first"u8.ToArray(), Ct);

        Assert.False(await Sut.CreateAsync("k1", "second"u8.ToArray(), Ct));
        Assert.Equal("first", Encoding.UTF8.GetString((await Sut.GetAsync("k1", Ct))!));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull() => Assert.Null(await Sut.GetAsync("missing", Ct));

    [Fact]
    public async Task DeleteAsync_Existing_RemovesIt()
    {
        await Sut.CreateAsync("k1", "v"u8.ToArray(), Ct);

        Assert.True(await Sut.DeleteAsync("k1", Ct));
        Assert.Null(await Sut.GetAsync("k1", Ct));
        Assert.False(await Sut.DeleteAsync("k1", Ct));
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsMatchingNamesSorted()
    {
        foreach (var name in new[] { "my-b", "other", "my-a", "My-c" })
        {
            await Sut.CreateAsync(name, "v"u8.ToArray(), Ct);
        }

        Assert.Equal(["My-c", "my-a", "my-b", "other"], await Sut.ListAsync("", Ct));
        Assert.Equal(["my-a", "my-b"], await Sut.ListAsync("my-", Ct));
        Assert.Empty(await Sut.ListAsync("zzz", Ct));
    }

    [Fact]
    public async Task ListAsync_EmptyStore_ReturnsEmptyList() => Assert.Empty(await Sut.ListAsync("", Ct));

    [Fact]
    public async Task StatusAsync_Healthy_Succeeds() => await Sut.StatusAsync(Ct);

    [Fact]
    public async Task GetAsync_ReturnedBuffer_IsACopy()
    {
        await Sut.CreateAsync("k1", "abc"u8.ToArray(), Ct);
        var first = (await Sut.GetAsync("k1", Ct))!;
        first[0] = (byte)'X';

        Assert.Equal("abc", Encoding.UTF8.GetString((await Sut.GetAsync("k1", Ct))!));
    }
}

using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Filesystem;

namespace KesGateway.Tests.Keystore;

public sealed class FileKeyStoreTests : KeyStoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kesgw-fs-" + Guid.NewGuid().ToString("N"));

    protected override void Cleanup()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    protected override IKeyStore CreateStore() => new FileKeyStore(_directory);

    [Fact]
    public async Task CreateAsync_WritesTheValueAsAFileNamedAfterTheKey_AsKesDoes()
    {
        await Sut.CreateAsync("my-key", "stored"u8.ToArray(), Ct);

        Assert.Equal("stored", await File.ReadAllTextAsync(Path.Combine(_directory, "my-key"), Ct));
        Assert.Equal(["my-key"], Directory.GetFiles(_directory).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "my-key")));
        }
    }

    [Fact]
    public async Task GetAsync_FileWrittenByKes_IsRead()
    {
        const string KesValue = "{\"bytes\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}";
        await File.WriteAllTextAsync(Path.Combine(_directory, "kes-key"), KesValue, Ct);

        Assert.Equal(KesValue, System.Text.Encoding.UTF8.GetString((await Sut.GetAsync("kes-key", Ct))!));
        Assert.Equal(["kes-key"], await Sut.ListAsync("", Ct));
    }

    [Fact]
    public async Task ListAsync_SkipsFilesThatCannotBeKeys()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, ".k.1234.tmp"), "partial", Ct);
        await Sut.CreateAsync("k", "v"u8.ToArray(), Ct);

        Assert.Equal(["k"], await Sut.ListAsync("", Ct));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a.b")]
    [InlineData("a\\b")]
    public async Task CreateAsync_NameWithPathCharacters_IsRefused(string name) =>
        await Assert.ThrowsAsync<KeyStoreException>(async () => await Sut.CreateAsync(name, "v"u8.ToArray(), Ct));

    [Fact]
    public async Task StatusAsync_DirectoryRemoved_IsUnreachable()
    {
        Directory.Delete(_directory, recursive: true);

        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await Sut.StatusAsync(Ct));
    }

    [Fact]
    public void Constructor_PathIsAFile_FailsNamingIt()
    {
        var file = _directory + ".file";
        File.WriteAllText(file, "x");
        try
        {
            var ex = Assert.Throws<KeyStoreException>(() => new FileKeyStore(file));
            Assert.Contains("is not a directory", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

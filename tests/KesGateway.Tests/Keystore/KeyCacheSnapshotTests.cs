using System.Security.Cryptography;
using KesGateway.Core.Keystore;
using KesGateway.Tests.Cli;

namespace KesGateway.Tests.Keystore;

public sealed class KeyCacheSnapshotTests
{
    private static readonly DateTimeOffset TakenAt = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Seal_ThenOpen_RoundTripsNamesValuesAndTimes()
    {
        var sealedBytes = KeyCacheSnapshot.Seal(Entries(), TakenAt, _key);

        using var content = KeyCacheSnapshot.Open(sealedBytes, _key);

        Assert.Equal(TakenAt, content.TakenAt);
        Assert.Equal(["k1", "ключ-2"], content.Entries.Select(e => e.Name));
        Assert.Equal("value-1"u8.ToArray(), content.Entries[0].StoredValue.ToArray());
        Assert.Equal(TakenAt.AddMinutes(-1), content.Entries[0].LoadedAt);
        Assert.Empty(content.Entries[1].StoredValue.ToArray());
    }

    [Fact]
    public void Seal_NoPlaintextInTheOutput()
    {
        var sealedBytes = KeyCacheSnapshot.Seal(Entries(), TakenAt, _key);

        Assert.Equal(-1, sealedBytes.AsSpan().IndexOf("value-1"u8));
        Assert.Equal(-1, sealedBytes.AsSpan().IndexOf("k1"u8));
    }

    [Fact]
    public void Open_WrongKey_Refused()
    {
        var sealedBytes = KeyCacheSnapshot.Seal(Entries(), TakenAt, _key);

        var ex = Assert.Throws<KeyCacheSnapshotException>(() => KeyCacheSnapshot.Open(sealedBytes, RandomNumberGenerator.GetBytes(32)));

        Assert.Contains("does not authenticate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AnyByteFlipped_RefusedWhole()
    {
        var sealedBytes = KeyCacheSnapshot.Seal(Entries(), TakenAt, _key);

        // Every byte: magic, version, taken-at, nonce, ciphertext and tag.
        for (var i = 0; i < sealedBytes.Length; i++)
        {
            var tampered = sealedBytes.AsSpan().ToArray();
            tampered[i] ^= 0x01;
            Assert.Throws<KeyCacheSnapshotException>(() => KeyCacheSnapshot.Open(tampered, _key));
        }
    }

    [Fact]
    public void Open_Truncated_Refused()
    {
        var sealedBytes = KeyCacheSnapshot.Seal(Entries(), TakenAt, _key);

        Assert.Throws<KeyCacheSnapshotException>(() => KeyCacheSnapshot.Open(sealedBytes.AsSpan(0, sealedBytes.Length - 1), _key));
        Assert.Throws<KeyCacheSnapshotException>(() => KeyCacheSnapshot.Open(sealedBytes.AsSpan(0, 10), _key));
    }

    [Fact]
    public void Write_ReplacesAtomically_LeavesNoTempFile_Mode0600()
    {
        using var dir = new TempDirectory();
        var path = dir.File("cache.snapshot");
        File.WriteAllText(path, "old");

        KeyCacheSnapshot.Write(path, Entries(), TakenAt, _key);
        KeyCacheSnapshot.Write(path, Entries(), TakenAt.AddSeconds(1), _key);

        Assert.Equal(["cache.snapshot"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        using var content = KeyCacheSnapshot.Read(path, _key);
        Assert.Equal(TakenAt.AddSeconds(1), content!.TakenAt);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Write_DirectoryMissing_ThrowsAndLeavesNothing()
    {
        using var dir = new TempDirectory();

        Assert.Throws<KeyCacheSnapshotException>(() => KeyCacheSnapshot.Write(dir.File("no/such/cache.snapshot"), Entries(), TakenAt, _key));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Read_NoFile_ReturnsNull()
    {
        using var dir = new TempDirectory();

        Assert.Null(KeyCacheSnapshot.Read(dir.File("cache.snapshot"), _key));
    }

    [Fact]
    public void Read_WrongKey_MessageNamesTheFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("cache.snapshot");
        KeyCacheSnapshot.Write(path, Entries(), TakenAt, _key);

        var ex = Assert.Throws<KeyCacheSnapshotException>(() => KeyCacheSnapshot.Read(path, RandomNumberGenerator.GetBytes(32)));

        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
    }

    private static KeyCacheSnapshotEntry[] Entries() =>
    [
        new("k1", "value-1"u8.ToArray(), TakenAt.AddMinutes(-1)),
        new("ключ-2", [], TakenAt.AddMinutes(-2)),
    ];
}

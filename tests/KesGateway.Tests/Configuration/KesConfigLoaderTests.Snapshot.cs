using System.Security.Cryptography;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Cli;

namespace KesGateway.Tests.Configuration;

public partial class KesConfigLoaderTests
{
    private static readonly string Base64Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Parse_SnapshotWithKeyEnv_ReadsPathKeyAndDefaultInterval()
    {
        var config = Parse(Minimal + "cache:\n  expiry: {offline: 1h}\n  snapshot:\n    path: /var/kes/cache.snapshot\n    key_env: SNAP_KEY\n", ("SNAP_KEY", Base64Key));

        var snapshot = config.Cache.Snapshot!;
        Assert.Equal("/var/kes/cache.snapshot", snapshot.Path);
        Assert.Equal(Convert.FromBase64String(Base64Key), snapshot.Key.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(30), snapshot.Interval);
        Assert.DoesNotContain(Base64Key, snapshot.ToString(), StringComparison.Ordinal);
        Assert.Empty(config.Warnings);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Load_SnapshotKeyFile_RawOrBase64_ResolvedAgainstTheConfigDirectory(bool raw)
    {
        using var dir = new TempDirectory();
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllBytes(dir.File("snapshot.key"), raw ? key : System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
        var path = dir.File("config.yml");
        File.WriteAllText(path, Minimal + "cache:\n  expiry: {offline: 1h}\n  snapshot: {path: ./cache.snapshot, key_file: ./snapshot.key, interval: 5s}\n");

        var config = KesConfigLoader.Load(path, _ => null);

        Assert.Equal(dir.File("cache.snapshot"), config.Cache.Snapshot!.Path);
        Assert.Equal(key, config.Cache.Snapshot.Key.ToArray());
        Assert.Equal(TimeSpan.FromSeconds(5), config.Cache.Snapshot.Interval);
    }

    [Fact]
    public void Parse_NoSnapshot_IsNull() => Assert.Null(Parse(Minimal).Cache.Snapshot);

    [Fact]
    public void Parse_SnapshotWithoutOfflineBudget_Fails() =>
        AssertFails(Minimal + "cache:\n  snapshot: {path: ./s, key_env: K}\n", "cache.snapshot", 9, "needs an offline budget", ("K", Base64Key));

    [Fact]
    public void Parse_SnapshotWithZeroOfflineBudget_PointsAtOffline() =>
        AssertFails(Minimal + "cache:\n  expiry: {offline: 0s}\n  snapshot: {path: ./s, key_env: K}\n", "cache.expiry.offline", 9, "Set cache.expiry.offline", ("K", Base64Key));

    [Fact]
    public void Parse_SnapshotWithoutPath_Fails() =>
        AssertFails(Minimal + "cache:\n  expiry: {offline: 1h}\n  snapshot: {key_env: K}\n", "cache.snapshot.path", 10, "no snapshot path", ("K", Base64Key));

    [Fact]
    public void Parse_SnapshotWithoutKey_Fails() =>
        AssertFails(Minimal + "cache:\n  expiry: {offline: 1h}\n  snapshot:\n    path: ./s\n", "cache.snapshot", 10, "head -c 32 /dev/urandom > snapshot.key");

    [Fact]
    public void Parse_SnapshotWithBothKeys_Fails() =>
        AssertFails(Minimal + "cache:\n  expiry: {offline: 1h}\n  snapshot:\n    path: ./s\n    key_file: ./k\n    key_env: K\n", "cache.snapshot.key_env", 13, "both key_file and key_env", ("K", Base64Key));

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all")]
    public void Parse_SnapshotKeyEnvNot32Bytes_FailsWithoutEchoingIt(string value)
    {
        var ex = AssertFails(Minimal + "cache:\n  expiry: {offline: 1h}\n  snapshot:\n    path: ./s\n    key_env: K\n", "cache.snapshot.key_env", 12, "does not hold base64 of 32 bytes", ("K", value));

        Assert.DoesNotContain(value, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SnapshotKeyEnvUnset_Fails() =>
        AssertFails(Minimal + "cache:\n  expiry: {offline: 1h}\n  snapshot:\n    path: ./s\n    key_env: K\n", "cache.snapshot.key_env", 12, "'K' is not set");

    [Fact]
    public void Load_SnapshotKeyFileWrongSize_SaysHowToMakeOne()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("snapshot.key"), new byte[16]);
        var path = dir.File("config.yml");
        File.WriteAllText(path, Minimal + "cache:\n  expiry: {offline: 1h}\n  snapshot: {path: ./s, key_file: ./snapshot.key}\n");

        var ex = Assert.Throws<ConfigException>(() => KesConfigLoader.Load(path, _ => null));

        Assert.Equal("cache.snapshot.key_file", ex.Field);
        Assert.Contains("does not hold 32 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("head -c 32 /dev/urandom > snapshot.key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SnapshotIntervalZero_Fails() =>
        AssertFails(Minimal + "cache:\n  expiry: {offline: 1h}\n  snapshot:\n    path: ./s\n    key_env: K\n    interval: 0s\n", "cache.snapshot.interval", 13, "invalid snapshot interval", ("K", Base64Key));
}

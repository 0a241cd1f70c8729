using System.Security.Cryptography;
using KesGateway.Core.Crypto;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Memory;
using KesGateway.Core.Policy;
using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Server.Hosting;
using KesGateway.Server.Tls;
using KesGateway.Tests.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Server;

public sealed class KeyCacheSnapshotterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kesgw-snapshotter-").FullName;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TryWrite_AfterTheAnyTickDroppedEverything_KeepsRecentlyReadKeys_DropsDeletedOnes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var store = await StoreWithAsync(time, "cold", "hot");
        await using var cache = Cache(store, time);
        var path = Path.Combine(_dir, "cache.snapshot");
        await using var sut = Snapshotter(store, cache, time, path);

        (await cache.RentAsync("cold", Ct))!.Dispose();
        Assert.True(sut.TryWrite());
        time.Advance(TimeSpan.FromMinutes(5));   // the any tick: the cache drops everything
        Assert.Equal(0, cache.Count);
        (await cache.RentAsync("hot", Ct))!.Dispose();
        Assert.True(sut.TryWrite());
        var afterTick = Names(path);

        cache.Invalidate("cold");                // deleted through the API
        Assert.True(sut.TryWrite());
        var afterDelete = Names(path);

        Assert.Equal(["cold", "hot"], afterTick);
        Assert.Equal(["hot"], afterDelete);
    }

    [Fact]
    public async Task TryWrite_KeysNotReadForLongerThanAny_LeaveTheSnapshot()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var store = await StoreWithAsync(time, "old", "new");
        await using var cache = Cache(store, time);
        var path = Path.Combine(_dir, "cache.snapshot");
        await using var sut = Snapshotter(store, cache, time, path);

        (await cache.RentAsync("old", Ct))!.Dispose();
        Assert.True(sut.TryWrite());
        time.Advance(TimeSpan.FromMinutes(6));
        (await cache.RentAsync("new", Ct))!.Dispose();
        Assert.True(sut.TryWrite());

        Assert.Equal(["new"], Names(path));
    }

    private static readonly CacheConfig CacheSettings = new() { Any = TimeSpan.FromMinutes(5), Unused = TimeSpan.FromSeconds(30), Offline = TimeSpan.FromHours(1) };

    private static async Task<MemoryKeyStore> StoreWithAsync(TimeProvider time, params string[] names)
    {
        var store = new MemoryKeyStore();
        foreach (var name in names)
        {
            using var version = KeyVersion.Generate(KeyType.AES256, "test", time);
            await store.CreateAsync(name, version.EncodeToUtf8(), Ct);
        }

        return store;
    }

    private static KeyCache Cache(IKeyStore store, TimeProvider time) =>
        new(store, new KeyCacheOptions { Any = CacheSettings.Any, Unused = CacheSettings.Unused, Offline = CacheSettings.Offline, TimeProvider = time });

    private KeyCacheSnapshotter Snapshotter(IKeyStore store, KeyCache cache, TimeProvider time, string path)
    {
        var tenant = State(store, cache, CacheSettings);
        var snapshotter = new KeyCacheSnapshotter(() => tenant, new SnapshotConfig { Path = path, Key = _key, KeySource = "test" }, time, NullLogger.Instance);
        snapshotter.Start();
        return snapshotter;
    }

    private string[] Names(string path)
    {
        using var content = KeyCacheSnapshot.Read(path, _key)!;
        return [.. content.Entries.Select(e => e.Name).Order(StringComparer.Ordinal)];
    }

    private static TenantState State(IKeyStore store, KeyCache cache, CacheConfig cacheConfig)
    {
        var config = new ServerConfig
        {
            Admin = "disabled",
            Tls = new TlsConfig { KeyPath = "k", CertificatePath = "c" },
            KeyStore = new MemoryKeyStoreConfig(),
            Cache = cacheConfig,
        };
        var certificate = TestCertificates.CreateServer();
        return new TenantState(
            config.DefaultTenant,
            PolicySet.Create("disabled", [], DateTimeOffset.UnixEpoch),
            KesRouteTable.Create(KesApi.DefaultRoutes, config.Api),
            store,
            cache,
            System.Net.Security.SslStreamCertificateContext.Create(certificate[0], null, offline: true),
            new ClientCertificatePolicy(true, false, []),
            System.Collections.Frozen.FrozenSet.ToFrozenSet(KesApi.DefaultRoutes.Select(r => r.Path), StringComparer.Ordinal));
    }
}

using KesGateway.Core.Crypto;
using KesGateway.Core.Keystore;

using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Keystore;

public sealed class KeyCacheTests : IAsyncDisposable
{
    private const string Name = "my-key";

    private readonly FakeTimeProvider _time = new();
    private readonly ScriptedKeyStore _store = new();

    public KeyCacheTests()
    {
        using var key = KeyVersion.Generate(KeyType.AES256, "test", _time);
        _store.Set(Name, key.EncodeToUtf8());
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RentAsync_SecondRead_ServedFromMemory()
    {
        await using var sut = CreateSut();

        using (var first = await sut.RentAsync(Name, Ct))
        {
            Assert.NotNull(first);
        }

        using var second = await sut.RentAsync(Name, Ct);

        Assert.NotNull(second);
        Assert.Equal(1, _store.Gets);
        Assert.Equal(1, sut.Hits);
        Assert.Equal(1, sut.Misses);
        Assert.Equal(1, sut.Loads);
    }

    [Fact]
    public async Task RentAsync_FiftyConcurrentMisses_OneStoreReadSharedByAll()
    {
        await using var sut = CreateSut();
        _store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var rents = Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await sut.RentAsync(Name, Ct), Ct)).ToArray();
        while (sut.Misses < 50)
        {
            await Task.Yield();
        }

        Assert.All(rents, r => Assert.False(r.IsCompleted));
        _store.Gate.SetResult();
        var leases = await Task.WhenAll(rents);

        Assert.Equal(1, _store.Gets);
        Assert.Equal(1, sut.Loads);
        var key = leases[0]!.Key;
        Assert.All(leases, l => Assert.Same(key, l!.Key));
        foreach (var lease in leases)
        {
            lease!.Dispose();
        }
    }

    [Fact]
    public async Task RentAsync_CancelledWaiter_LoadGoesOnForOthers()
    {
        await using var sut = CreateSut();
        _store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();

        var cancelled = sut.RentAsync(Name, cts.Token).AsTask();
        var other = sut.RentAsync(Name, Ct).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _store.Gate.SetResult();

        using var lease = await other;
        Assert.NotNull(lease);
        Assert.Equal(1, _store.Gets);
    }

    [Fact]
    public async Task RentAsync_ConcurrentMissesOnFailure_AllSeeTheErrorAndItIsNotCached()
    {
        await using var sut = CreateSut();
        _store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _store.Failure = new KeyStoreException("boom");

        var a = sut.RentAsync(Name, Ct).AsTask();
        var b = sut.RentAsync(Name, Ct).AsTask();
        _store.Gate.SetResult();

        Assert.Same(await Assert.ThrowsAsync<KeyStoreException>(() => a), await Assert.ThrowsAsync<KeyStoreException>(() => b));
        Assert.Equal(1, _store.Gets);
        Assert.False(sut.IsOffline);

        _store.Failure = null;
        using var lease = await sut.RentAsync(Name, Ct);
        Assert.NotNull(lease);
        Assert.Equal(2, _store.Gets);
    }

    [Fact]
    public async Task RentAsync_NotFound_ReturnsNullAndIsNotCached()
    {
        await using var sut = CreateSut();

        Assert.Null(await sut.RentAsync("missing", Ct));
        Assert.Null(await sut.RentAsync("missing", Ct));

        Assert.Equal(2, _store.Gets);
        Assert.Equal(0, sut.Count);
    }

    [Fact]
    public async Task RentAsync_CorruptValue_ThrowsCorruptKeyExceptionEachTime()
    {
        await using var sut = CreateSut();
        _store.Set("bad", "not a key version"u8.ToArray());

        await Assert.ThrowsAsync<CorruptKeyException>(async () => await sut.RentAsync("bad", Ct));
        await Assert.ThrowsAsync<CorruptKeyException>(async () => await sut.RentAsync("bad", Ct));

        Assert.Equal(2, _store.Gets);
        Assert.False(sut.IsOffline);
    }

    [Fact]
    public async Task Invalidate_CachedKey_NextReadGoesToStore()
    {
        await using var sut = CreateSut();
        (await sut.RentAsync(Name, Ct))!.Dispose();

        await _store.DeleteAsync(Name, Ct);
        sut.Invalidate(Name);

        Assert.Null(await sut.RentAsync(Name, Ct));
        Assert.Equal(2, _store.Gets);
    }

    [Fact]
    public async Task Invalidate_DuringLoad_WaitersReadAgain()
    {
        await using var sut = CreateSut();
        _store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = sut.RentAsync(Name, Ct).AsTask();

        await _store.DeleteAsync(Name, Ct);
        sut.Invalidate(Name);
        _store.Gate.SetResult();

        // The read that raced with the delete must not be cached; the waiter reads again and sees the delete.
        Assert.Null(await pending);
        Assert.Equal(0, sut.Count);
    }

    [Fact]
    public async Task AnyTimer_DropsEveryEntryRegardlessOfUse()
    {
        await using var sut = CreateSut(any: TimeSpan.FromMinutes(1), unused: TimeSpan.Zero);
        (await sut.RentAsync(Name, Ct))!.Dispose();

        _time.Advance(TimeSpan.FromSeconds(59));
        (await sut.RentAsync(Name, Ct))!.Dispose();
        Assert.Equal(1, sut.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, sut.Count);
        Assert.Equal(1, sut.Evictions);
    }

    [Fact]
    public async Task UnusedTimer_IdleKey_LivesBetweenHalfAndFullUnused()
    {
        await using var sut = CreateSut(any: TimeSpan.Zero, unused: TimeSpan.FromSeconds(30));

        // Loaded just before a sweep: survives it (a fresh load counts as a use), dropped by the next one.
        _time.Advance(TimeSpan.FromSeconds(14));
        (await sut.RentAsync(Name, Ct))!.Dispose();
        _time.Advance(TimeSpan.FromSeconds(15.9));
        Assert.Equal(1, sut.Count);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0, sut.Count);

        // Loaded just after a sweep: survives almost the full Unused.
        _time.Advance(TimeSpan.FromSeconds(0.1));
        (await sut.RentAsync(Name, Ct))!.Dispose();
        _time.Advance(TimeSpan.FromSeconds(29.8));
        Assert.Equal(1, sut.Count);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0, sut.Count);
        Assert.Equal(2, sut.Evictions);
    }

    [Fact]
    public async Task UnusedTimer_KeyUsedBetweenSweeps_Survives()
    {
        await using var sut = CreateSut(any: TimeSpan.Zero, unused: TimeSpan.FromSeconds(30));
        (await sut.RentAsync(Name, Ct))!.Dispose();

        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            (await sut.RentAsync(Name, Ct))!.Dispose();
        }

        Assert.Equal(1, _store.Gets);
        Assert.Equal(10, sut.Hits);
    }

    [Fact]
    public async Task Outage_WithOfflineExpiry_ServesCachedKeysUntilOfflineTick()
    {
        await using var sut = CreateSut(offline: TimeSpan.FromMinutes(1));
        (await sut.RentAsync(Name, Ct))!.Dispose();
        _store.Failure = new KeyStoreUnreachableException("connection refused");

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(sut.IsOffline);

        // The unused sweeps (every 15 s) pause while offline.
        _time.Advance(TimeSpan.FromSeconds(49));
        using (var lease = await sut.RentAsync(Name, Ct))
        {
            Assert.NotNull(lease);
        }

        Assert.Equal(1, sut.ServedWhileOffline);
        Assert.Equal(1, _store.Gets);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, sut.Count);
        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await sut.RentAsync(Name, Ct));
    }

    [Fact]
    public async Task Outage_WithOfflineExpiry_AnyTimerPaused()
    {
        await using var sut = CreateSut(any: TimeSpan.FromMinutes(1), unused: TimeSpan.Zero, offline: TimeSpan.FromMinutes(5));
        (await sut.RentAsync(Name, Ct))!.Dispose();
        _store.Failure = new KeyStoreUnreachableException("connection refused");

        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, sut.Count);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, sut.Count);
    }

    [Fact]
    public async Task Outage_WithoutOfflineExpiry_NormalEvictionContinues()
    {
        await using var sut = CreateSut();
        (await sut.RentAsync(Name, Ct))!.Dispose();
        _store.Failure = new KeyStoreUnreachableException("connection refused");

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(sut.IsOffline);
        using (var lease = await sut.RentAsync(Name, Ct))
        {
            Assert.NotNull(lease);
        }

        Assert.Equal(1, sut.ServedWhileOffline);

        // Used at 10 s: survives the sweep at 15 s, dropped by the one at 30 s.
        _time.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(1, sut.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, sut.Count);
        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await sut.RentAsync(Name, Ct));
    }

    [Fact]
    public async Task StatusProbe_Transitions_RaiseOneEventEach()
    {
        await using var sut = CreateSut();
        var events = new List<KeyStoreStateChangedEventArgs>();
        sut.StateChanged += (_, e) => events.Add(e);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(sut.IsOffline);
        Assert.Empty(events);

        var failure = new KeyStoreUnreachableException("connection refused");
        _store.Failure = failure;
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(sut.IsOffline);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(sut.IsOffline);
        _time.Advance(TimeSpan.FromSeconds(30));

        _store.Failure = null;
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(sut.IsOffline);
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Collection(
            events,
            e => { Assert.True(e.IsOffline); Assert.Same(failure, e.Error); },
            e => { Assert.False(e.IsOffline); Assert.Null(e.Error); });
        Assert.Equal(9, _store.StatusCalls);
    }

    [Fact]
    public async Task StatusProbe_AnyStoreError_MarksOffline()
    {
        await using var sut = CreateSut();
        _store.Failure = new KeyStoreException("vault is sealed");

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.True(sut.IsOffline);
    }

    [Fact]
    public async Task StatusProbe_StoreHangs_TimesOutAfterOneIntervalAndMarksOffline()
    {
        await using var sut = CreateSut();
        var events = new List<KeyStoreStateChangedEventArgs>();
        sut.StateChanged += (_, e) => events.Add(e);
        _store.StatusGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(sut.IsOffline);
        _time.Advance(TimeSpan.FromSeconds(10));

        // The timed-out probe completes on the thread pool.
        while (!sut.IsOffline)
        {
            await Task.Yield();
        }

        Assert.IsType<KeyStoreUnreachableException>(Assert.Single(events).Error);
    }

    [Fact]
    public async Task RentAsync_UnreachableThenSuccess_MarksOfflineThenOnline()
    {
        await using var sut = CreateSut();
        var events = new List<bool>();
        sut.StateChanged += (_, e) => events.Add(e.IsOffline);
        _store.Failure = new KeyStoreUnreachableException("connection refused");

        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await sut.RentAsync(Name, Ct));
        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await sut.RentAsync(Name, Ct));
        Assert.True(sut.IsOffline);

        _store.Failure = null;
        (await sut.RentAsync(Name, Ct))!.Dispose();

        Assert.False(sut.IsOffline);
        Assert.Equal([true, false], events);
    }

    [Fact]
    public async Task StatusAsync_WhileOffline_FailsWithoutCallingStore()
    {
        await using var sut = CreateSut();
        await sut.StatusAsync(Ct);
        Assert.Equal(1, _store.StatusCalls);

        _store.Failure = new KeyStoreUnreachableException("connection refused");
        _time.Advance(TimeSpan.FromSeconds(10));
        var calls = _store.StatusCalls;

        var ex = await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await sut.StatusAsync(Ct));
        Assert.Equal("keystore is offline", ex.Message);
        Assert.Equal(calls, _store.StatusCalls);
    }

    [Fact]
    public async Task StatusAsync_OnlineButFailing_PassesStoreErrorThrough()
    {
        await using var sut = CreateSut();
        _store.Failure = new KeyStoreException("vault is sealed");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await sut.StatusAsync(Ct));

        Assert.Same(_store.Failure, ex);
    }

    [Fact]
    public async Task Eviction_KeyInUse_ZeroedOnlyAfterLastLeaseReturned()
    {
        await using var sut = CreateSut(any: TimeSpan.FromMinutes(1));
        var first = (await sut.RentAsync(Name, Ct))!;
        var second = (await sut.RentAsync(Name, Ct))!;
        var key = first.Key;

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, sut.Count);
        Assert.False(IsZero(key));

        first.Dispose();
        Assert.False(IsZero(key));
        Assert.Equal(42, second.Key.Key.Decrypt(second.Key.Key.Encrypt([42], default), default)[0]);

        second.Dispose();
        second.Dispose();
        Assert.True(IsZero(key));
        Assert.Throws<ObjectDisposedException>(() => second.Key);
    }

    [Fact]
    public async Task Invalidate_KeyInUse_ZeroedOnlyAfterLeaseReturned()
    {
        await using var sut = CreateSut();
        var lease = (await sut.RentAsync(Name, Ct))!;
        var key = lease.Key;

        sut.Invalidate(Name);
        Assert.False(IsZero(key));
        using var fresh = await sut.RentAsync(Name, Ct);
        Assert.NotSame(key, fresh!.Key);

        lease.Dispose();
        Assert.True(IsZero(key));
        Assert.False(IsZero(fresh.Key));
    }

    [Fact]
    public async Task DisposeAsync_DropsEntriesAndStopsTimers()
    {
        var sut = CreateSut();
        var lease = (await sut.RentAsync(Name, Ct))!;
        var key = lease.Key;

        await sut.DisposeAsync();
        Assert.False(IsZero(key));
        lease.Dispose();
        Assert.True(IsZero(key));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, _store.StatusCalls);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await sut.RentAsync(Name, Ct));
    }

    [Theory]
    [InlineData(-1, 0, 0, 10)]
    [InlineData(0, -1, 0, 10)]
    [InlineData(0, 0, -1, 10)]
    [InlineData(0, 0, 0, 0)]
    public void Constructor_OutOfRangeOption_Throws(int any, int unused, int offline, int status)
    {
        var options = new KeyCacheOptions
        {
            Any = TimeSpan.FromSeconds(any),
            Unused = TimeSpan.FromSeconds(unused),
            Offline = TimeSpan.FromSeconds(offline),
            StatusInterval = TimeSpan.FromSeconds(status),
        };

        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyCache(_store, options));
    }

    [Fact]
    public void Options_Defaults_AreKesDocumentedValues()
    {
        var options = new KeyCacheOptions();

        Assert.Equal(TimeSpan.FromMinutes(5), options.Any);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Unused);
        Assert.Equal(TimeSpan.Zero, options.Offline);
        Assert.Equal(TimeSpan.FromSeconds(10), options.StatusInterval);
    }

    private static bool IsZero(KeyVersion key) =>
        !key.Key.KeyMaterial.Span.ContainsAnyExcept((byte)0) && !key.HmacKey!.KeyMaterial.Span.ContainsAnyExcept((byte)0);

    [Fact]
    public async Task Export_HoldsTheStoredBytesAndLoadTime()
    {
        await using var sut = CreateSut();
        var stored = (await _store.GetAsync(Name, Ct))!;
        var loadedAt = _time.GetUtcNow();
        (await sut.RentAsync(Name, Ct))!.Dispose();

        var export = sut.Export();

        var entry = Assert.Single(export);
        Assert.Equal(Name, entry.Name);
        Assert.Equal(stored, entry.StoredValue.ToArray());
        Assert.Equal(loadedAt, entry.LoadedAt);
        entry.Dispose();
    }

    [Fact]
    public async Task Seed_ServesWithoutAStoreRead_WhileOffline()
    {
        await using var sut = CreateSut(offline: TimeSpan.FromHours(1));
        using var entry = new KeyCacheSnapshotEntry(Name, (await _store.GetAsync(Name, Ct))!, _time.GetUtcNow());
        _store.Failure = new KeyStoreUnreachableException("down");
        var gets = _store.Gets;

        var seeded = sut.Seed([entry], _time.GetUtcNow());
        sut.MarkOffline(new KeyStoreUnreachableException("down"));
        using var lease = await sut.RentAsync(Name, Ct);

        Assert.Equal(1, seeded);
        Assert.NotNull(lease);
        Assert.Equal(gets, _store.Gets);
        Assert.True(sut.IsOffline);
    }

    [Fact]
    public async Task Seed_BudgetCountsFromTheSnapshot_NotFromTheSeed()
    {
        await using var sut = CreateSut(offline: TimeSpan.FromHours(1));
        using var entry = new KeyCacheSnapshotEntry(Name, (await _store.GetAsync(Name, Ct))!, _time.GetUtcNow());
        _store.Failure = new KeyStoreUnreachableException("down");
        var takenAt = _time.GetUtcNow() - TimeSpan.FromMinutes(50);

        sut.Seed([entry], takenAt);
        sut.MarkOffline(new KeyStoreUnreachableException("down"));
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(1, sut.Count);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, sut.Count);
        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await sut.RentAsync(Name, Ct));
    }

    [Fact]
    public async Task Seed_SnapshotOlderThanTheBudget_SeedsNothing()
    {
        await using var sut = CreateSut(offline: TimeSpan.FromHours(1));
        using var entry = new KeyCacheSnapshotEntry(Name, (await _store.GetAsync(Name, Ct))!, _time.GetUtcNow());

        Assert.Equal(0, sut.Seed([entry], _time.GetUtcNow() - TimeSpan.FromHours(1)));
        Assert.Equal(0, sut.Count);
    }

    [Fact]
    public async Task Seed_StoreAnswers_SeededKeysAreReadAgain()
    {
        await using var sut = CreateSut(offline: TimeSpan.FromHours(1));
        using var entry = new KeyCacheSnapshotEntry(Name, (await _store.GetAsync(Name, Ct))!, _time.GetUtcNow());
        sut.Seed([entry], _time.GetUtcNow());
        var gets = _store.Gets;

        _time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 100 && sut.Count > 0; i++)
        {
            await Task.Delay(10, Ct);
        }

        using var lease = await sut.RentAsync(Name, Ct);

        Assert.NotNull(lease);
        Assert.Equal(gets + 1, _store.Gets);
    }

    [Fact]
    public async Task Changes_MoveOnLoadAndEviction()
    {
        await using var sut = CreateSut();
        var before = sut.Changes;

        (await sut.RentAsync(Name, Ct))!.Dispose();
        var loaded = sut.Changes;
        sut.Invalidate(Name);

        Assert.True(loaded > before);
        Assert.True(sut.Changes > loaded);
    }

    private KeyCache CreateSut(TimeSpan? any = null, TimeSpan? unused = null, TimeSpan? offline = null) =>
        new(_store, new KeyCacheOptions
        {
            Any = any ?? TimeSpan.FromMinutes(5),
            Unused = unused ?? TimeSpan.FromSeconds(30),
            Offline = offline ?? TimeSpan.Zero,
            TimeProvider = _time,
        });
}

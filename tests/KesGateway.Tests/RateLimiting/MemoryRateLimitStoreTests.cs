using KesGateway.Server.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.RateLimiting;

public sealed class MemoryRateLimitStoreTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void Reserve_FullBucket_LetsTheBurstThrough_ThenOnePerInterval()
    {
        var store = new MemoryRateLimitStore(_time);
        BucketRequest[] bucket = [new("t/identity/a/crypto", Rate: 1, Burst: 3)];

        var burst = Enumerable.Range(0, 3).Select(_ => store.Reserve(bucket, TimeSpan.Zero)).ToArray();
        var over = store.Reserve(bucket, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(1));
        var refilled = store.Reserve(bucket, TimeSpan.Zero);
        var againOver = store.Reserve(bucket, TimeSpan.Zero);

        Assert.All(burst, r => Assert.Equal(new RateLimitReservation(true, TimeSpan.Zero, -1), r));
        Assert.Equal(new RateLimitReservation(false, TimeSpan.FromSeconds(1), 0), over);
        Assert.True(refilled.Granted);
        Assert.False(againOver.Granted);
    }

    [Fact]
    public void Reserve_WithinMaxWait_IsGrantedWithItsWait_BeyondIsRefusedAndChargesNothing()
    {
        var store = new MemoryRateLimitStore(_time);
        BucketRequest[] bucket = [new("k", Rate: 2, Burst: 1)];

        var first = store.Reserve(bucket, TimeSpan.FromSeconds(1));
        var second = store.Reserve(bucket, TimeSpan.FromSeconds(1));
        var third = store.Reserve(bucket, TimeSpan.FromSeconds(1));
        var fourth = store.Reserve(bucket, TimeSpan.FromSeconds(1));
        var refused = store.Reserve(bucket, TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        var afterWaiting = store.Reserve(bucket, TimeSpan.Zero);

        Assert.Equal(TimeSpan.Zero, first.Wait);
        Assert.Equal((true, TimeSpan.FromMilliseconds(500)), (second.Granted, second.Wait));
        Assert.Equal((true, TimeSpan.FromSeconds(1)), (third.Granted, third.Wait));
        Assert.Equal((false, TimeSpan.FromSeconds(1.5)), (fourth.Granted, fourth.Wait));
        Assert.Equal(fourth, refused);
        Assert.True(afterWaiting.Granted, "the refused reservations charged nothing");
    }

    [Fact]
    public void Reserve_SeveralBuckets_AllOrNone_TheTightestOneIsNamed()
    {
        var store = new MemoryRateLimitStore(_time);
        var tenant = new BucketRequest("tenant", Rate: 100, Burst: 5);
        var identity = new BucketRequest("identity", Rate: 1, Burst: 1);

        var first = store.Reserve([tenant, identity], TimeSpan.Zero);
        var second = store.Reserve([tenant, identity], TimeSpan.Zero);
        var tenantAlone = Enumerable.Range(0, 4).Select(_ => store.Reserve([tenant], TimeSpan.Zero)).ToArray();
        var tenantSpent = store.Reserve([tenant], TimeSpan.Zero);

        Assert.True(first.Granted);
        Assert.Equal((false, 1), (second.Granted, second.Limiting));
        Assert.All(tenantAlone, r => Assert.True(r.Granted, "the refused request took no tenant token"));
        Assert.False(tenantSpent.Granted);
    }

    [Fact]
    public void Reserve_FractionalRate_OneEveryTwoSeconds()
    {
        var store = new MemoryRateLimitStore(_time);
        BucketRequest[] bucket = [new("slow", Rate: 0.5, Burst: 1)];

        store.Reserve(bucket, TimeSpan.Zero);
        var next = store.Reserve(bucket, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(2), next.Wait);
    }

    [Fact]
    public void IdleBuckets_AreSweptAsTheTableGrows()
    {
        var store = new MemoryRateLimitStore(_time);
        for (var i = 0; i < 4000; i++)
        {
            store.Reserve([new($"identity-{i}", Rate: 10, Burst: 10)], TimeSpan.Zero);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 200; i++)
        {
            store.Reserve([new("busy", Rate: 1000, Burst: 1000)], TimeSpan.Zero);
        }

        Assert.Equal(1, store.Count);
    }
}

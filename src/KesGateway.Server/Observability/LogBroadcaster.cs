using System.Collections.Immutable;
using System.Threading.Channels;

namespace KesGateway.Server.Observability;

/// <summary>Fans log events out to live stream subscribers; a slow subscriber loses its oldest events, never blocks the server.</summary>
/// <remarks>
/// Each subscriber belongs to a tenant and sees only that tenant's events: a tenant's admin must not read another
/// tenant's identities, key names or errors. Events of no tenant (the gateway's own background work) go to the
/// default tenant's subscribers, who operate the gateway.
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
public sealed class LogBroadcaster<T>
{
    private const int SubscriberBuffer = 1024;

    private ImmutableArray<(Channel<T> Channel, string Tenant)> _subscribers = [];

    /// <summary>Gets the number of events delivered to subscribers (KES's <c>kes_log_*_events</c>).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    private long _delivered;

    /// <summary>Gets a value indicating whether anyone is listening, so callers can skip building events.</summary>
    public bool HasSubscribers => !_subscribers.IsEmpty;

    /// <summary>Sends <paramref name="item"/> to every subscriber of <paramref name="tenant"/> (the default tenant's when <see langword="null"/>).</summary>
    public void Publish(T item, string? tenant = null)
    {
        tenant ??= Configuration.TenantConfig.DefaultName;
        foreach (var (channel, owner) in _subscribers)
        {
            if (string.Equals(owner, tenant, StringComparison.Ordinal) && channel.Writer.TryWrite(item))
            {
                Interlocked.Increment(ref _delivered);
            }
        }
    }

    /// <summary>Subscribes now: every event published from this call on is kept for the subscriber until it is disposed.</summary>
    /// <remarks>Registration happens before the caller tells its client it is subscribed, so no event falls in between.</remarks>
    public Subscription Subscribe(string? tenant = null)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(SubscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var entry = (channel, tenant ?? Configuration.TenantConfig.DefaultName);
        ImmutableInterlocked.Update(ref _subscribers, static (list, c) => list.Add(c), entry);
        return new Subscription(this, entry);
    }

    /// <summary>One live subscription; dispose it to stop receiving.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly LogBroadcaster<T> _owner;
        private readonly (Channel<T> Channel, string Tenant) _entry;

        internal Subscription(LogBroadcaster<T> owner, (Channel<T> Channel, string Tenant) entry)
        {
            _owner = owner;
            _entry = entry;
        }

        /// <summary>Reads events as they are published until <paramref name="cancellationToken"/> fires.</summary>
        public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken) => _entry.Channel.Reader.ReadAllAsync(cancellationToken);

        /// <inheritdoc/>
        public void Dispose() => ImmutableInterlocked.Update(ref _owner._subscribers, static (list, c) => list.Remove(c), _entry);
    }
}

using System.Collections.Immutable;
using System.Threading.Channels;

namespace KesGateway.Server.Observability;

/// <summary>Fans log events out to live stream subscribers; a slow subscriber loses its oldest events, never blocks the server.</summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class LogBroadcaster<T>
{
    private const int SubscriberBuffer = 1024;

    private ImmutableArray<Channel<T>> _subscribers = [];

    /// <summary>Gets the number of events delivered to subscribers (KES's <c>kes_log_*_events</c>).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    private long _delivered;

    /// <summary>Gets a value indicating whether anyone is listening, so callers can skip building events.</summary>
    public bool HasSubscribers => !_subscribers.IsEmpty;

    /// <summary>Sends <paramref name="item"/> to every subscriber.</summary>
    public void Publish(T item)
    {
        foreach (var channel in _subscribers)
        {
            if (channel.Writer.TryWrite(item))
            {
                Interlocked.Increment(ref _delivered);
            }
        }
    }

    /// <summary>Subscribes now: every event published from this call on is kept for the subscriber until it is disposed.</summary>
    /// <remarks>Registration happens before the caller tells its client it is subscribed, so no event falls in between.</remarks>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(SubscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        ImmutableInterlocked.Update(ref _subscribers, static (list, c) => list.Add(c), channel);
        return new Subscription(this, channel);
    }

    /// <summary>One live subscription; dispose it to stop receiving.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly LogBroadcaster<T> _owner;
        private readonly Channel<T> _channel;

        internal Subscription(LogBroadcaster<T> owner, Channel<T> channel)
        {
            _owner = owner;
            _channel = channel;
        }

        /// <summary>Reads events as they are published until <paramref name="cancellationToken"/> fires.</summary>
        public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAllAsync(cancellationToken);

        /// <inheritdoc/>
        public void Dispose() => ImmutableInterlocked.Update(ref _owner._subscribers, static (list, c) => list.Remove(c), _channel);
    }
}

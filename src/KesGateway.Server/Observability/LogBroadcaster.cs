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

    /// <summary>Subscribes until <paramref name="cancellationToken"/> fires; events published before subscribing are not replayed.</summary>
    public async IAsyncEnumerable<T> SubscribeAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(SubscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        ImmutableInterlocked.Update(ref _subscribers, static (list, c) => list.Add(c), channel);
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            ImmutableInterlocked.Update(ref _subscribers, static (list, c) => list.Remove(c), channel);
        }
    }
}

namespace KesGateway.Server.Hosting;

/// <summary>Holds the current <see cref="GatewayState"/>; readers take one snapshot per request and never lock.</summary>
public sealed class GatewayStateHolder
{
    private volatile GatewayState _current;

    /// <summary>Creates the holder with the first state.</summary>
    public GatewayStateHolder(GatewayState initial, DateTimeOffset startTime)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
        StartTime = startTime;
    }

    /// <summary>Gets the current state.</summary>
    public GatewayState Current => _current;

    /// <summary>Gets when the server started; KES reports it as every policy's and identity's creation time.</summary>
    public DateTimeOffset StartTime { get; }

    /// <summary>Replaces the state and returns the previous one, so its resources can be released.</summary>
    public GatewayState Swap(GatewayState next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, next);
    }
}

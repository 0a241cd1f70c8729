namespace KesGateway.Tests.Common.Vault;

/// <summary>An injected fault with its matcher and budget; remove it, or wait until it has fired.</summary>
public sealed class VaultFaultRule
{
    private readonly object _sync = new();
    private readonly VaultFaults _owner;
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private int _hits;
    private int _active;
    private int _peakActive;

    internal VaultFaultRule(VaultFaults owner, VaultRequestMatch match, VaultFault fault, int? times)
    {
        _owner = owner;
        Match = match;
        Fault = fault;
        Remaining = times;
    }

    public VaultRequestMatch Match { get; }

    public VaultFault Fault { get; }

    /// <summary>Gets how many more requests it applies to; null = until removed or cleared.</summary>
    public int? Remaining { get; private set; }

    /// <summary>Gets how many requests it has taken effect on (a delay counts once its timer is armed).</summary>
    public int Hits
    {
        get
        {
            lock (_sync)
            {
                return _hits;
            }
        }
    }

    /// <summary>Gets the most requests this rule held at the same time (delays and hangs), e.g. to prove a client caps its concurrency.</summary>
    public int PeakConcurrent
    {
        get
        {
            lock (_sync)
            {
                return _peakActive;
            }
        }
    }

    public void Remove() => _owner.Remove(this);

    /// <summary>Marks a request as held by this rule until the returned scope ends.</summary>
    internal IDisposable Hold()
    {
        lock (_sync)
        {
            _peakActive = Math.Max(_peakActive, ++_active);
        }

        return new Release(this);
    }

    private sealed class Release(VaultFaultRule rule) : IDisposable
    {
        public void Dispose()
        {
            lock (rule._sync)
            {
                rule._active--;
            }
        }
    }

    /// <summary>Completes once the rule has taken effect <paramref name="count"/> times (e.g. the delay timer is armed, so advancing the clock releases it).</summary>
    public Task WaitForHitsAsync(int count = 1, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (_hits >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Takes one use from the budget; false when exhausted.</summary>
    internal bool TryTake()
    {
        if (Remaining is 0)
        {
            return false;
        }

        if (Remaining is { } left)
        {
            Remaining = left - 1;
        }

        return true;
    }

    internal void Hit()
    {
        List<TaskCompletionSource> ready = [];
        lock (_sync)
        {
            _hits++;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_hits >= _waiters[i].Count)
                {
                    ready.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var done in ready)
        {
            done.TrySetResult();
        }
    }
}

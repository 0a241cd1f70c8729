namespace KesGateway.Tests.Common.Vault;

/// <summary>Every request the double received, in arrival order; tests query it or wait for a request to complete.</summary>
public sealed class VaultJournal
{
    private readonly object _sync = new();
    private readonly List<VaultRequestRecord> _records = [];
    private readonly List<(Func<VaultRequestRecord, bool> Predicate, TaskCompletionSource<VaultRequestRecord> Done)> _waiters = [];
    private long _sequence;

    /// <summary>Gets a snapshot of the records so far.</summary>
    public IReadOnlyList<VaultRequestRecord> Entries
    {
        get
        {
            lock (_sync)
            {
                return [.. _records];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_sync)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>Gets the records whose <see cref="VaultRequestRecord.VaultPath"/> equals the given path.</summary>
    public IReadOnlyList<VaultRequestRecord> ForPath(string vaultPath) => [.. Entries.Where(r => r.VaultPath == vaultPath.TrimStart('/'))];

    public void Clear()
    {
        lock (_sync)
        {
            _records.Clear();
        }
    }

    /// <summary>
    /// Completes with the first request matching <paramref name="predicate"/> that has been answered (or aborted):
    /// one already in the journal, or the next to finish.
    /// </summary>
    public Task<VaultRequestRecord> WaitForAsync(Func<VaultRequestRecord, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        lock (_sync)
        {
            var done = _records.FirstOrDefault(r => (r.ResponseStatus is not null || r.Aborted) && predicate(r));
            if (done is not null)
            {
                return Task.FromResult(done);
            }

            var completion = new TaskCompletionSource<VaultRequestRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((predicate, completion));
            return completion.Task.WaitAsync(cancellationToken);
        }
    }

    internal VaultRequestRecord Add(Func<long, VaultRequestRecord> create)
    {
        lock (_sync)
        {
            var record = create(++_sequence);
            _records.Add(record);
            return record;
        }
    }

    internal void Complete(VaultRequestRecord record, int? status, bool aborted)
    {
        List<TaskCompletionSource<VaultRequestRecord>> ready = [];
        lock (_sync)
        {
            record.ResponseStatus = status;
            record.Aborted = aborted;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Predicate(record))
                {
                    ready.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var completion in ready)
        {
            completion.TrySetResult(record);
        }
    }
}

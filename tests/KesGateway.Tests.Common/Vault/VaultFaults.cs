namespace KesGateway.Tests.Common.Vault;

/// <summary>The fault rules of a double; the first rule (in insertion order) that matches and has budget applies.</summary>
public sealed class VaultFaults
{
    private readonly object _sync = new();
    private readonly List<VaultFaultRule> _rules = [];

    /// <summary>Applies <paramref name="fault"/> to the next <paramref name="times"/> matching requests (null = until removed).</summary>
    public VaultFaultRule Add(VaultRequestMatch match, VaultFault fault, int? times = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times ?? 1, nameof(times));
        var rule = new VaultFaultRule(this, match, fault, times);
        lock (_sync)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    public void Clear()
    {
        lock (_sync)
        {
            _rules.Clear();
        }
    }

    internal void Remove(VaultFaultRule rule)
    {
        lock (_sync)
        {
            _rules.Remove(rule);
        }
    }

    internal VaultFaultRule? Take(VaultRequestRecord record)
    {
        lock (_sync)
        {
            foreach (var rule in _rules)
            {
                if (rule.Match.Matches(record) && rule.TryTake())
                {
                    if (rule.Remaining is 0)
                    {
                        _rules.Remove(rule);
                    }

                    return rule;
                }
            }

            return null;
        }
    }
}

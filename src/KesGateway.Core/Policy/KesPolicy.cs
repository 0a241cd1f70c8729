using System.Collections.Immutable;

namespace KesGateway.Core.Policy;

/// <summary>A named KES policy: allow and deny patterns over request paths, and the identities it applies to.</summary>
public sealed class KesPolicy
{
    /// <summary>Creates a policy.</summary>
    public KesPolicy(string name, IEnumerable<string> allow, IEnumerable<string> deny, IEnumerable<string> identities)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(allow);
        ArgumentNullException.ThrowIfNull(deny);
        ArgumentNullException.ThrowIfNull(identities);
        Name = name;
        Allow = [.. allow];
        Deny = [.. deny];
        Identities = [.. identities];
    }

    /// <summary>Gets the policy name.</summary>
    public string Name { get; }

    /// <summary>Gets the patterns that allow a path.</summary>
    public ImmutableArray<string> Allow { get; }

    /// <summary>Gets the patterns that deny a path; a deny beats every allow.</summary>
    public ImmutableArray<string> Deny { get; }

    /// <summary>Gets the identities assigned to this policy.</summary>
    public ImmutableArray<string> Identities { get; }

    /// <summary>Decides a request path: denied if any deny pattern matches, else allowed if any allow pattern matches.</summary>
    public PolicyDecision Verify(ReadOnlySpan<char> path)
    {
        foreach (var pattern in Deny)
        {
            if (PathPattern.IsMatch(pattern, path))
            {
                return new PolicyDecision(PolicyOutcome.Denied, Name, pattern);
            }
        }

        foreach (var pattern in Allow)
        {
            if (PathPattern.IsMatch(pattern, path))
            {
                return new PolicyDecision(PolicyOutcome.Allowed, Name, pattern);
            }
        }

        return new PolicyDecision(PolicyOutcome.NotAllowed, Name, null);
    }
}

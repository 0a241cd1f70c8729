namespace KesGateway.Core.Policy;

/// <summary>The result of authorizing one request, with the policy and pattern that decided it (for logs).</summary>
/// <param name="Outcome">Why the request was allowed or refused.</param>
/// <param name="PolicyName">The caller's policy, if it has one.</param>
/// <param name="Pattern">The allow or deny pattern that decided, if one did.</param>
public readonly record struct PolicyDecision(PolicyOutcome Outcome, string? PolicyName, string? Pattern)
{
    /// <summary>Gets a value indicating whether the request may proceed.</summary>
    public bool IsAllowed => Outcome is PolicyOutcome.Admin or PolicyOutcome.Allowed;
}

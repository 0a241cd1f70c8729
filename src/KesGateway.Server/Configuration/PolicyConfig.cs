using System.Collections.Immutable;

namespace KesGateway.Server.Configuration;

/// <summary>One policy (<c>policy.&lt;name&gt;</c>).</summary>
/// <param name="Name">The policy name.</param>
/// <param name="Allow">Allow patterns.</param>
/// <param name="Deny">Deny patterns.</param>
/// <param name="Identities">Assigned identities.</param>
public sealed record PolicyConfig(string Name, ImmutableArray<string> Allow, ImmutableArray<string> Deny, ImmutableArray<string> Identities);

using KesGateway.Core.Protocol;

namespace KesGateway.Server.Authentication;

/// <summary>The identity of a TLS connection's client, computed once in the handshake and shared by its requests.</summary>
/// <param name="Identity">The identity, when the client presented exactly one non-CA certificate.</param>
/// <param name="Error">Why there is no identity (KES answers it with 400 on routes that need one).</param>
public sealed record ConnectionIdentity(string? Identity, KesError? Error)
{
    /// <summary>The key under which the identity is kept in the connection's items.</summary>
    public static readonly object ItemKey = typeof(ConnectionIdentity);
}

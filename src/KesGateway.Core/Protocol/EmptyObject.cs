namespace KesGateway.Core.Protocol;

/// <summary>The empty JSON object KES uses as the value of each pattern in a policy's allow and deny maps.</summary>
public sealed record EmptyObject
{
    /// <summary>Gets the one instance.</summary>
    public static EmptyObject Instance { get; } = new();
}

namespace KesGateway.Tests.Common.Vault;

/// <summary>What an injected fault does.</summary>
internal enum VaultFaultKind
{
    /// <summary>Answer with a fixed status, headers and body instead of processing.</summary>
    Respond,

    /// <summary>Reset the connection without processing or answering.</summary>
    Reset,

    /// <summary>Process the request (state changes), then reset instead of answering.</summary>
    LoseResponse,

    /// <summary>Process, send the headers and half the body, then reset.</summary>
    Truncate,

    /// <summary>Wait on the double's TimeProvider, then process normally.</summary>
    Delay,

    /// <summary>Never answer; ends when the client gives up or the double stops.</summary>
    Hang,

    /// <summary>Run a test's action against the double, then process normally (race hooks, out-of-band changes).</summary>
    Before,
}

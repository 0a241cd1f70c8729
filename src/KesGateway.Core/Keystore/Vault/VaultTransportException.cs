namespace KesGateway.Core.Keystore.Vault;

/// <summary>A call got no usable HTTP answer (connection, TLS, timeout, redirect or size failure).</summary>
internal sealed class VaultTransportException : Exception
{
    /// <summary>Creates an exception.</summary>
    public VaultTransportException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public VaultTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public VaultTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception that says whether Vault could not be reached at all.</summary>
    public VaultTransportException(string message, bool unreachable, Exception? innerException = null)
        : base(message, innerException)
    {
        Unreachable = unreachable;
    }

    /// <summary>Gets whether Vault could not be reached (refused, unresolvable, timed out) rather than answered badly.</summary>
    public bool Unreachable { get; }
}

namespace KesGateway.Core.Keystore;

/// <summary>A stored value is not a valid key version; KES answers 502 "failed to read key".</summary>
/// <remarks>
/// A <see cref="KeyStoreException"/> so code that maps store failures to 502 handles it too; the message names the
/// key but never contains key material.
/// </remarks>
public sealed class CorruptKeyException : KeyStoreException
{
    /// <summary>Creates an exception.</summary>
    public CorruptKeyException()
        : base("invalid key version")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public CorruptKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public CorruptKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

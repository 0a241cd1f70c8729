namespace KesGateway.Core.Keystore;

/// <summary>The keystore cannot be reached (network, sealed, not initialised); <c>/v1/ready</c> answers 504.</summary>
public sealed class KeyStoreUnreachableException : KeyStoreException
{
    /// <summary>Creates an exception.</summary>
    public KeyStoreUnreachableException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public KeyStoreUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public KeyStoreUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

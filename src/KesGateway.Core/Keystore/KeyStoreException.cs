namespace KesGateway.Core.Keystore;

/// <summary>The keystore failed; KES answers such failures with 502 and the operation's generic message.</summary>
public class KeyStoreException : Exception
{
    /// <summary>Creates an exception.</summary>
    public KeyStoreException()
    {
    }

    /// <summary>Creates an exception with a message (never key material or credentials).</summary>
    public KeyStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public KeyStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

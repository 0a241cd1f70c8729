namespace KesGateway.Core.Crypto;

/// <summary>A ciphertext could not be decrypted: it is malformed, was sealed under another key or context, or was altered.</summary>
/// <remarks>KES answers this with 400 and the message of <see cref="DefaultMessage"/>; it never says which check failed.</remarks>
public sealed class DecryptionException : Exception
{
    /// <summary>KES's message for every decryption failure.</summary>
    public const string DefaultMessage = "decryption failed: ciphertext is not authentic";

    /// <summary>Creates the exception with <see cref="DefaultMessage"/>.</summary>
    public DecryptionException()
        : base(DefaultMessage)
    {
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public DecryptionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a custom message and cause.</summary>
    public DecryptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace KesGateway.Core.Crypto;

/// <summary>A stored key version could not be read; KES answers 502 "failed to read key" for such a key.</summary>
/// <remarks>Messages describe the structural problem only; they never contain key material.</remarks>
public sealed class KeyVersionFormatException : FormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public KeyVersionFormatException()
        : base("invalid key version")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public KeyVersionFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public KeyVersionFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

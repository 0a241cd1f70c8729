namespace KesGateway.Core.Client;

/// <summary>A connection failure classified where it happened (connect callback), carried through the HTTP stack.</summary>
internal sealed class KesTransportException : IOException
{
    /// <summary>Creates the exception.</summary>
    public KesTransportException(KesErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Creates a network failure.</summary>
    public KesTransportException()
        : this(KesErrorKind.Network, "connection failed")
    {
    }

    /// <summary>Creates a network failure with a message.</summary>
    public KesTransportException(string message)
        : this(KesErrorKind.Network, message)
    {
    }

    /// <summary>Creates a network failure with a message and cause.</summary>
    public KesTransportException(string message, Exception innerException)
        : this(KesErrorKind.Network, message, innerException)
    {
    }

    /// <summary>Gets the kind of failure.</summary>
    public KesErrorKind Kind { get; }
}

using KesGateway.Core.Protocol;

namespace KesGateway.Core.Client;

/// <summary>
/// A failed KES call. For <see cref="KesErrorKind.Api"/> the message is the server's, byte for byte, and
/// <see cref="Error"/> compares equal to the matching <see cref="KesErrors"/> entry; for transport kinds the message
/// names the endpoint and, where one exists, the fix. Messages never contain API keys or key material.
/// </summary>
public sealed class KesException : Exception
{
    /// <summary>Creates an exception of kind <see cref="KesErrorKind.Network"/>.</summary>
    public KesException()
        : this(KesErrorKind.Network, "request failed")
    {
    }

    /// <summary>Creates an exception of kind <see cref="KesErrorKind.Network"/> with a message.</summary>
    public KesException(string message)
        : this(KesErrorKind.Network, message)
    {
    }

    /// <summary>Creates an exception of kind <see cref="KesErrorKind.Network"/> with a message and its cause.</summary>
    public KesException(string message, Exception innerException)
        : this(KesErrorKind.Network, message, null, innerException)
    {
    }

    /// <summary>Creates a transport exception of the given kind.</summary>
    public KesException(KesErrorKind kind, string message, string? endpoint = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Endpoint = endpoint;
    }

    /// <summary>Creates the exception for an error answer of the server.</summary>
    public KesException(KesError error, string? endpoint = null)
        : base(string.IsNullOrEmpty(error.Message) ? $"server answered {error.Status}" : error.Message)
    {
        Kind = KesErrorKind.Api;
        StatusCode = error.Status;
        Error = error;
        Endpoint = endpoint;
    }

    /// <summary>Gets what went wrong.</summary>
    public KesErrorKind Kind { get; }

    /// <summary>Gets the HTTP status of an <see cref="KesErrorKind.Api"/> error; 0 for the other kinds.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the server's (status, message) for <see cref="KesErrorKind.Api"/>, as KES clients compare them; null otherwise.</summary>
    public KesError? Error { get; }

    /// <summary>Gets the endpoint (<c>https://host:port</c>) that produced the error, when known.</summary>
    public string? Endpoint { get; }

    /// <summary>Gets whether the client moves on to the next endpoint after this error (network errors, 5xx other than 501).</summary>
    internal bool IsRetryableOnOtherEndpoint => Kind switch
    {
        KesErrorKind.Api => StatusCode >= 500 && StatusCode != 501,
        KesErrorKind.Unreachable or KesErrorKind.TlsVerification or KesErrorKind.TlsHandshake or KesErrorKind.Network => true,
        _ => false,
    };
}

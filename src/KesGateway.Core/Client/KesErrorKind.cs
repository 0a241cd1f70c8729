namespace KesGateway.Core.Client;

/// <summary>What went wrong in a KES call, so callers can say what to do about it.</summary>
public enum KesErrorKind
{
    /// <summary>The server answered with an error status; <see cref="KesException.StatusCode"/> and the message are KES's.</summary>
    Api,

    /// <summary>No connection could be made: refused, unknown host, network down or connect timeout.</summary>
    Unreachable,

    /// <summary>The server's certificate failed verification (unknown authority, expired, wrong host name).</summary>
    TlsVerification,

    /// <summary>The TLS handshake failed otherwise, e.g. the server refused the client certificate or no common parameters.</summary>
    TlsHandshake,

    /// <summary>The connection broke while the request or response was under way.</summary>
    Network,

    /// <summary>No complete answer arrived within <see cref="KesClientOptions.Timeout"/>.</summary>
    Timeout,

    /// <summary>The server's successful answer could not be decoded or exceeded the size limit.</summary>
    InvalidResponse,
}

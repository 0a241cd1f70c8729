namespace KesGateway.Core.Identity;

/// <summary>
/// The peer's certificates do not name exactly one client; the message is KES's text, which clients
/// see in the 400 response.
/// </summary>
public sealed class ClientCertificateException : Exception
{
    /// <summary>Creates the exception with KES's message.</summary>
    public ClientCertificateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with KES's message and a cause.</summary>
    public ClientCertificateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with KES's "client certificate is required" message.</summary>
    public ClientCertificateException()
        : base(CertificateIdentity.ClientCertificateRequiredMessage)
    {
    }
}

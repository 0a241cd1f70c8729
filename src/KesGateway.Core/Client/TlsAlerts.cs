using Org.BouncyCastle.Tls;

namespace KesGateway.Core.Client;

/// <summary>Turns a TLS alert the server sent into words and, where it is clear, the fix.</summary>
internal static class TlsAlerts
{
    /// <summary>Describes <paramref name="alert"/>, e.g. <c>certificate_required(116); the server requires a client certificate: …</c>.</summary>
    public static string Describe(short alert, bool presentedCertificate)
    {
        var text = AlertDescription.GetText(alert);
        var aboutCertificate = alert is AlertDescription.certificate_required or AlertDescription.bad_certificate
            or AlertDescription.certificate_unknown or AlertDescription.unsupported_certificate
            or AlertDescription.certificate_expired or AlertDescription.certificate_revoked or AlertDescription.unknown_ca
            or AlertDescription.access_denied;
        if (aboutCertificate || (alert == AlertDescription.handshake_failure && !presentedCertificate))
        {
            return presentedCertificate
                ? $"{text}; the server did not accept the client certificate (with tls.auth on it must be signed by a CA the server trusts)"
                : $"{text}; the server requires a client certificate: set an API key, or a client certificate and key";
        }

        return alert == AlertDescription.protocol_version
            ? $"{text}; the server supports neither TLS 1.2 nor TLS 1.3 as offered"
            : text;
    }
}

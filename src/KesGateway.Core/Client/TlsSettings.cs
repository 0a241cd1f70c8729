using System.Security.Authentication;
using Org.BouncyCastle.Tls;

namespace KesGateway.Core.Client;

/// <summary>The TLS settings every connection of one client shares.</summary>
/// <param name="Versions">The protocol versions offered, newest first.</param>
/// <param name="Credentials">The client certificate and key, or null to present none.</param>
/// <param name="Verifier">The server certificate check, or null when verification is skipped (insecure).</param>
internal sealed record TlsSettings(ProtocolVersion[] Versions, TlsClientCredentials? Credentials, ServerCertificateVerifier? Verifier)
{
    /// <summary>
    /// Maps .NET's protocol flags to BouncyCastle's versions; only TLS 1.2 and 1.3 are allowed, as KES requires.
    /// <see cref="SslProtocols.None"/> means the default, as in .NET: both.
    /// </summary>
    /// <exception cref="ArgumentException">Flags are given but neither TLS 1.2 nor TLS 1.3 is among them.</exception>
    public static ProtocolVersion[] VersionsOf(SslProtocols protocols)
    {
        if (protocols == SslProtocols.None)
        {
            protocols = SslProtocols.Tls13 | SslProtocols.Tls12;
        }

        var versions = new List<ProtocolVersion>(2);
        if (protocols.HasFlag(SslProtocols.Tls13))
        {
            versions.Add(ProtocolVersion.TLSv13);
        }

        if (protocols.HasFlag(SslProtocols.Tls12))
        {
            versions.Add(ProtocolVersion.TLSv12);
        }

        return versions.Count > 0
            ? [.. versions]
            : throw new ArgumentException("TLS 1.2 or TLS 1.3 must be enabled", nameof(protocols));
    }
}

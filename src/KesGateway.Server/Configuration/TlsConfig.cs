using System.Collections.Immutable;
using System.Text;

namespace KesGateway.Server.Configuration;

/// <summary>Server TLS settings (<c>tls:</c>); <see cref="ToString"/> never shows the password.</summary>
public sealed record TlsConfig
{
    /// <summary>Gets the path of the server's PEM private key.</summary>
    public required string KeyPath { get; init; }

    /// <summary>Gets the path of the server's PEM certificate chain.</summary>
    public required string CertificatePath { get; init; }

    /// <summary>Gets the password of a legacy-encrypted PEM key, if any.</summary>
    public string? Password { get; init; }

    /// <summary>Gets a value indicating whether client certificates are verified against the system roots and <see cref="CaPath"/> (<c>auth: on</c>).</summary>
    public bool VerifyClientCertificates { get; init; }

    /// <summary>Gets a file or directory of PEM CA certificates added to the roots for client verification.</summary>
    public string? CaPath { get; init; }

    /// <summary>Gets the identities of TLS proxies (<c>tls.proxy.identities</c>); parsed and validated, not honoured, as in KES.</summary>
    public ImmutableArray<string> ProxyIdentities { get; init; } = [];

    /// <summary>Gets the header a TLS proxy would forward the client certificate in (<c>tls.proxy.header.cert</c>), or <see langword="null"/>; not honoured, as in KES.</summary>
    public string? ProxyCertificateHeader { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("KeyPath = ").Append(KeyPath)
            .Append(", CertificatePath = ").Append(CertificatePath)
            .Append(", Password = ").Append(string.IsNullOrEmpty(Password) ? string.Empty : "<redacted>")
            .Append(", VerifyClientCertificates = ").Append(VerifyClientCertificates)
            .Append(", CaPath = ").Append(CaPath)
            .Append(", ProxyIdentities = [").AppendJoin(", ", ProxyIdentities).Append(']')
            .Append(", ProxyCertificateHeader = ").Append(ProxyCertificateHeader);
        return true;
    }
}

using System.Collections.Immutable;

namespace KesGateway.Server.Configuration;

/// <summary>Server TLS settings (<c>tls:</c>).</summary>
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
}

using System.Net;

namespace KesGateway.Core.Identity;

/// <summary>What <see cref="IdentityCertificateGenerator"/> puts into a new self-signed certificate.</summary>
public sealed class IdentityCertificateOptions
{
    /// <summary>The validity <c>kes identity new</c> uses by default.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromHours(720);

    /// <summary>Gets the key algorithm.</summary>
    /// <value>Defaults to <see cref="CertificateKeyType.Ecdsa"/>.</value>
    public CertificateKeyType KeyType { get; init; } = CertificateKeyType.Ecdsa;

    /// <summary>Gets the Subject CN.</summary>
    /// <value>Defaults to <see langword="null"/>, which means the identity of the new certificate.</value>
    public string? Subject { get; init; }

    /// <summary>Gets the DNS subject alternative names.</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>Gets the IP subject alternative names.</summary>
    public IReadOnlyList<IPAddress> IPAddresses { get; init; } = [];

    /// <summary>Gets how long the certificate is valid from now; must be positive.</summary>
    /// <value>Defaults to 720 hours.</value>
    public TimeSpan Validity { get; init; } = DefaultValidity;
}

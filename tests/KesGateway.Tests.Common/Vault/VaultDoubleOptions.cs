using System.Security.Cryptography.X509Certificates;

namespace KesGateway.Tests.Common.Vault;

/// <summary>How a <see cref="VaultDouble"/> listens and which Vault variant it imitates.</summary>
public sealed class VaultDoubleOptions
{
    /// <summary>Gets a value indicating whether to serve HTTPS with a certificate from <see cref="CertificateAuthority"/>.</summary>
    /// <value>Default false (plain HTTP).</value>
    public bool UseTls { get; init; }

    /// <summary>Gets the CA that issues the server certificate; null = a fresh CA per double.</summary>
    public VaultTestCertificateAuthority? CertificateAuthority { get; init; }

    /// <summary>Gets the DNS names of the server certificate.</summary>
    /// <value>Default ["localhost"]; use another name to test host-name verification failures.</value>
    public IReadOnlyList<string> ServerDnsNames { get; init; } = ["localhost"];

    /// <summary>Gets a value indicating whether the server certificate also names IP 127.0.0.1.</summary>
    /// <value>Default true.</value>
    public bool ServerCertificateCoversLoopback { get; init; } = true;

    /// <summary>
    /// Gets the CA client certificates must chain to; set, the TLS handshake fails without such a certificate (Vault's
    /// <c>tls_require_and_verify_client_cert</c>). Only with <see cref="UseTls"/>.
    /// </summary>
    public X509Certificate2? RequiredClientCertificateAuthority { get; init; }

    /// <summary>Gets the clock of token and secret-id TTLs, KV timestamps and injected delays.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>; tests pass a FakeTimeProvider.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets a value indicating whether invalid tokens get the pre-2024 plain "permission denied" instead of the two-error text.</summary>
    public bool LegacyInvalidTokenError { get; init; }

    /// <summary>Gets a value indicating whether sys/health with a namespace answers 404 "unsupported path" (Vault Enterprise ≥ 1.11).</summary>
    /// <value>Default true.</value>
    public bool RejectNamespaceOnHealth { get; init; } = true;

    /// <summary>Gets the status for an unknown namespace.</summary>
    /// <value>Default 404.</value>
    public int UnknownNamespaceStatus { get; init; } = 404;

    /// <summary>Gets the error text for an unknown namespace.</summary>
    /// <value>Default "namespace not found".</value>
    public string UnknownNamespaceError { get; init; } = "namespace not found";

    /// <summary>Gets the version sys/health reports.</summary>
    /// <value>Default "1.15.6".</value>
    public string Version { get; init; } = "1.15.6";

    /// <summary>Gets a value indicating whether sys/health reports <c>enterprise: true</c>.</summary>
    public bool Enterprise { get; init; }

    /// <summary>Gets the system default lease TTL (token TTL when a role sets none; KV v1 lease_duration).</summary>
    /// <value>Default 768h, as a dev server.</value>
    public TimeSpan DefaultLeaseTtl { get; init; } = TimeSpan.FromHours(768);

    /// <summary>Gets the system max lease TTL.</summary>
    /// <value>Default 768h.</value>
    public TimeSpan MaxLeaseTtl { get; init; } = TimeSpan.FromHours(768);
}

using System.Security.Authentication;
using KesGateway.Core.Identity;

namespace KesGateway.Core.Client;

/// <summary>How a <see cref="KesClient"/> reaches and authenticates to KES servers.</summary>
public sealed class KesClientOptions
{
    /// <summary>Gets the servers, tried in order: <c>host:port</c> or <c>https://host:port[/prefix]</c>; <c>http://</c> is
    /// dropped and HTTPS assumed, as the kes CLI does; the port defaults to 443. At least one is required.</summary>
    public IList<string> Endpoints { get; init; } = [];

    /// <summary>Gets the API key to authenticate with (its derived Ed25519 certificate is presented); the caller keeps
    /// ownership. Mutually exclusive with <see cref="CertificateFile"/>/<see cref="PrivateKeyFile"/>.</summary>
    public ApiKey? ApiKey { get; init; }

    /// <summary>Gets the PEM client certificate (chain, leaf first); requires <see cref="PrivateKeyFile"/>.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>Gets the PEM private key of <see cref="CertificateFile"/> (Ed25519, ECDSA or RSA; PKCS#8, SEC1 or PKCS#1).</summary>
    public string? PrivateKeyFile { get; init; }

    /// <summary>Gets the password of an encrypted <see cref="PrivateKeyFile"/>; null for a plain key.</summary>
    public string? PrivateKeyPassword { get; init; }

    /// <summary>Gets a PEM file or a directory of PEM files with CA certificates trusted in addition to the system roots.</summary>
    public string? CaFile { get; init; }

    /// <summary>Gets whether the server certificate is accepted without any verification (<c>-k/--insecure</c>).
    /// <value>Default false.</value> Only for tests and first setup: anyone on the path can impersonate the server.</summary>
    public bool Insecure { get; init; }

    /// <summary>Gets the TLS versions offered. <value>Default TLS 1.3 and TLS 1.2</value> (also for
    /// <see cref="SslProtocols.None"/>); nothing older is possible.</summary>
    public SslProtocols TlsProtocols { get; init; } = SslProtocols.Tls13 | SslProtocols.Tls12;

    /// <summary>Gets the time source for the derived certificate's validity and for timeouts.
    /// <value>Default <see cref="TimeProvider.System"/>.</value></summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets the limit for one call, across all endpoints tried; log streams are bounded only until subscribed.
    /// <value>Default 30 s.</value></summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the limit for connecting to one endpoint (TCP connect and TLS handshake), after which the next one
    /// is tried. <value>Default 10 s.</value></summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

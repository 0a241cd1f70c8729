using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KesGateway.Core.Identity;
using KesGateway.Server.Configuration;
using KesGateway.Server.Tls;

namespace KesGateway.Server.Proxy;

/// <summary>
/// What the gateway needs to talk TLS to one upstream cluster: its own client certificate (the identity the upstream
/// sees), the CAs the upstream's certificate must chain to, and the name to verify. Loaded, and so validated, when a
/// configuration is applied; immutable afterwards.
/// </summary>
internal sealed class UpstreamTlsMaterial
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Certificate2Collection? _clientChain;
    private string? _lastRejection;

    private UpstreamTlsMaterial(string upstream, X509Certificate2Collection? clientChain, X509Certificate2Collection? authorities, UpstreamTlsConfig config)
    {
        Upstream = upstream;
        ClientCertificate = clientChain?[0];
        ClientCertificateContext = clientChain is null
            ? null
            : SslStreamCertificateContext.Create(clientChain[0], [.. clientChain.Skip(1)], offline: true);
        _clientChain = clientChain;
        Authorities = authorities;
        CaPath = config.CaPath;
        SkipVerify = config.SkipVerify;
        ServerName = string.IsNullOrWhiteSpace(config.ServerName) ? null : config.ServerName;
        Fingerprint = ComputeFingerprint();
    }

    /// <summary>Gets the upstream's name.</summary>
    public string Upstream { get; }

    /// <summary>Gets the certificate (with its key) the gateway presents, or <see langword="null"/> for none.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>Gets <see cref="ClientCertificate"/> with the intermediates of its file, as presented in the handshake.</summary>
    public SslStreamCertificateContext? ClientCertificateContext { get; }

    /// <summary>Gets the trusted CAs, or <see langword="null"/> for the system roots.</summary>
    public X509Certificate2Collection? Authorities { get; }

    /// <summary>Gets the CA file or directory the authorities came from.</summary>
    public string? CaPath { get; }

    /// <summary>Gets a value indicating whether the upstream's certificate is not verified at all.</summary>
    public bool SkipVerify { get; }

    /// <summary>Gets the name the upstream's certificate is verified against (and sent as SNI), or <see langword="null"/> for each endpoint's host.</summary>
    public string? ServerName { get; }

    /// <summary>
    /// Gets a hex SHA-256 over everything that shapes the TLS client (no secrets): a new value makes YARP build a new
    /// client for the cluster, so replaced certificate files take effect on the next reload.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>Loads the material of <paramref name="upstream"/>.</summary>
    /// <exception cref="ConfigException">A file is missing, unreadable or unsuitable; the message names the field (<c>upstreams.&lt;name&gt;.tls.cert</c> …).</exception>
    public static UpstreamTlsMaterial Load(UpstreamConfig upstream)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        var tls = upstream.Tls;
        var field = $"upstreams.{upstream.Name}.tls";
        var certificatePath = NullIfEmpty(tls.CertificatePath);
        var keyPath = NullIfEmpty(tls.KeyPath);
        if (certificatePath is not null && keyPath is null)
        {
            throw new ConfigException($"{field}.key: no private key for the client certificate '{certificatePath}'. Set {field}.key");
        }

        if (keyPath is not null && certificatePath is null)
        {
            throw new ConfigException($"{field}.cert: no client certificate for the private key '{keyPath}'. Set {field}.cert");
        }

        var clientChain = certificatePath is null ? null : LoadClientChain(certificatePath, keyPath!, tls.Password, field);
        var caPath = NullIfEmpty(tls.CaPath);
        var authorities = caPath is null ? null : LoadAuthorities(caPath, field);
        return new UpstreamTlsMaterial(upstream.Name, clientChain, authorities, tls with { CaPath = caPath });
    }

    /// <summary>Returns (and forgets) why the latest upstream certificate was rejected by <see cref="Validate"/>, for the client's error message.</summary>
    public string? TakeLastRejection() => Interlocked.Exchange(ref _lastRejection, null);

    /// <summary>Verifies the upstream's certificate against <see cref="Authorities"/>; only used when they are set.</summary>
    /// <returns><see langword="true"/> if the certificate chains to one of the CAs and is valid for the verified name.</returns>
    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, [NotNullWhen(false)] out string? rejection)
    {
        rejection = Check(certificate, chain, errors);
        if (rejection is null)
        {
            return true;
        }

        Volatile.Write(ref _lastRejection, rejection);
        return false;
    }

    private string? Check(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "the KES server presented no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return ServerName is null
                ? "the KES server's certificate is not valid for the endpoint's host name"
                : $"the KES server's certificate is not valid for '{ServerName}'";
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(Authorities!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (chain is not null)
        {
            // Intermediates the server sent.
            foreach (var element in chain.ChainElements.Skip(1))
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }

            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        }

        if (custom.Build(leaf))
        {
            return null;
        }

        var status = string.Join(", ", custom.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"the KES server's certificate is not issued by a CA in upstreams.{Upstream}.tls.ca ({status})";
    }

    /// <summary>Loads the certificate file (leaf first, then intermediates) and pairs the leaf with its key.</summary>
    private static X509Certificate2Collection LoadClientChain(string certificatePath, string keyPath, string? password, string field)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPemFile(certificatePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ConfigException($"{field}.cert: cannot read the client certificate '{certificatePath}': {ex.Message}", ex);
        }

        if (chain.Count == 0)
        {
            throw new ConfigException($"{field}.cert: '{certificatePath}' contains no PEM CERTIFICATE block");
        }

        var leaf = chain[0];
        if (leaf.PublicKey.Oid.Value == "1.3.101.112")
        {
            throw new ConfigException(
                $"{field}.cert: '{certificatePath}' has an Ed25519 key, which .NET's TLS client cannot present. "
                + "Create an ECDSA identity for the gateway instead: kesgw identity new --key gateway.key --cert gateway.cert");
        }

        try
        {
            chain[0] = ServerCertificateLoader.AttachKey(leaf, keyPath, password, field);
            return chain;
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigException(ex.Message, ex);
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string caPath, string field)
    {
        try
        {
            return CertificateAuthorities.LoadPem(caPath);
        }
        catch (CertificateAuthorityException ex)
        {
            throw new ConfigException($"{field}.ca: '{caPath}': {ex.Message}", ex);
        }
    }

    private string ComputeFingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, Encoding.UTF8.GetBytes(Upstream));
        AppendAll(hash, _clientChain);
        AppendAll(hash, Authorities);
        Append(hash, [SkipVerify ? (byte)1 : (byte)0]);
        Append(hash, Encoding.UTF8.GetBytes(ServerName ?? string.Empty));
        return Convert.ToHexStringLower(hash.GetHashAndReset());

        static void AppendAll(IncrementalHash hash, X509Certificate2Collection? certificates)
        {
            Span<byte> count = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(count, certificates?.Count ?? -1);
            hash.AppendData(count);
            foreach (var certificate in certificates ?? [])
            {
                Append(hash, certificate.RawData);
            }
        }

        static void Append(IncrementalHash hash, ReadOnlySpan<byte> data)
        {
            // Length-prefixed, so no two different inputs hash alike.
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            hash.AppendData(length);
            hash.AppendData(data);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Identity;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>
/// The client certificate and trusted CAs of <see cref="VaultTlsOptions"/>, loaded once at connect. Unlike KES, which
/// silently drops unreadable TLS material (vault-compat §6), any problem is reported here.
/// </summary>
internal sealed class VaultTlsMaterial : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private string? _lastFailure;

    private VaultTlsMaterial(X509Certificate2? clientCertificate, X509Certificate2Collection? authorities, string? caPath)
    {
        ClientCertificate = clientCertificate;
        Authorities = authorities;
        CaPath = caPath;
    }

    /// <summary>Gets the client certificate (with its key), or <see langword="null"/>.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>Gets the trusted CAs, or <see langword="null"/> for the system roots.</summary>
    public X509Certificate2Collection? Authorities { get; }

    /// <summary>Gets the CA file or directory.</summary>
    public string? CaPath { get; }

    /// <summary>Returns (and forgets) why the latest server certificate was rejected by <see cref="Validate"/>, for error messages.</summary>
    public string? TakeLastFailure() => Interlocked.Exchange(ref _lastFailure, null);

    /// <summary>Loads the material named by <paramref name="options"/>.</summary>
    /// <exception cref="KeyStoreException">A file is missing, unreadable or holds no certificate or key.</exception>
    public static VaultTlsMaterial Load(VaultTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var certificateFile = NullIfEmpty(options.ClientCertificateFile);
        var keyFile = NullIfEmpty(options.ClientKeyFile);
        if (certificateFile is not null && keyFile is null)
        {
            throw new KeyStoreException("vault: invalid tls config: no TLS private key provided");
        }

        if (keyFile is not null && certificateFile is null)
        {
            throw new KeyStoreException("vault: invalid tls config: no TLS certificate provided");
        }

        X509Certificate2? clientCertificate = null;
        if (certificateFile is not null)
        {
            try
            {
                clientCertificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
                if (OperatingSystem.IsWindows())
                {
                    // A PEM-loaded key is ephemeral; Windows' TLS stack needs a persisted one, so round-trip through PKCS#12.
                    using var ephemeral = clientCertificate;
                    clientCertificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                throw new KeyStoreException($"vault: failed to load TLS client certificate '{certificateFile}' with key '{keyFile}': {ex.Message}", ex);
            }
        }

        var caPath = NullIfEmpty(options.CaPath);
        X509Certificate2Collection? authorities = null;
        if (caPath is not null)
        {
            try
            {
                authorities = LoadAuthorities(caPath);
            }
            catch
            {
                clientCertificate?.Dispose();
                throw;
            }
        }

        return new VaultTlsMaterial(clientCertificate, authorities, caPath);
    }

    /// <summary>Verifies Vault's certificate against <see cref="Authorities"/> (only used when they are set).</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return Reject("Vault presented no certificate");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return Reject("Vault's certificate is not valid for the endpoint's host name");
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(Authorities!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (chain is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements.Skip(1))
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (custom.Build(leaf))
        {
            return true;
        }

        var status = string.Join(", ", custom.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return Reject($"Vault's certificate is not signed by a CA in '{CaPath}' ({status})");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ClientCertificate?.Dispose();
        if (Authorities is not null)
        {
            foreach (var authority in Authorities)
            {
                authority.Dispose();
            }
        }
    }

    private bool Reject(string reason)
    {
        Volatile.Write(ref _lastFailure, reason);
        return false;
    }

    private static X509Certificate2Collection LoadAuthorities(string caPath)
    {
        try
        {
            return CertificateAuthorities.LoadPem(caPath);
        }
        catch (CertificateAuthorityException ex)
        {
            throw new KeyStoreException($"vault: failed to open '{caPath}': {ex.Message}", ex);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KesGateway.Core.Client;

/// <summary>
/// Verifies the server's certificate chain as Go's crypto/tls does for a KES client: the chain must lead to a trusted
/// root (the system roots, plus the CA bundle when one is given), the leaf must allow serverAuth, and the leaf's DNS or
/// IP SANs must match the host dialled (no Common Name fallback). Revocation is not checked, as in Go.
/// </summary>
internal sealed class ServerCertificateVerifier
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Certificate2Collection? _extraRoots;
    private readonly TimeProvider _timeProvider;
    private readonly Lazy<X509Certificate2Collection> _trustStore;

    /// <summary>Creates a verifier trusting the system roots and, when given, <paramref name="extraRoots"/>.</summary>
    public ServerCertificateVerifier(X509Certificate2Collection? extraRoots, TimeProvider timeProvider)
    {
        _extraRoots = extraRoots;
        _timeProvider = timeProvider;
        _trustStore = new Lazy<X509Certificate2Collection>(LoadTrustStore, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Loads a CA bundle: a PEM file, or a directory whose files are PEM (files without certificates are skipped).</summary>
    /// <exception cref="ArgumentException">Nothing readable or no certificate at all; the message names the path.</exception>
    public static X509Certificate2Collection LoadCaBundle(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var roots = new X509Certificate2Collection();
        try
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
                {
                    try
                    {
                        roots.ImportFromPemFile(file);
                    }
                    catch (CryptographicException)
                    {
                        // A directory of CA files may hold other files (hash links to the same certificates, READMEs).
                    }
                }
            }
            else
            {
                roots.ImportFromPemFile(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"cannot read the CA certificates '{path}': {ex.Message}", ex);
        }

        if (roots.Count == 0)
        {
            throw new ArgumentException($"'{path}' contains no PEM CERTIFICATE block");
        }

        return roots;
    }

    /// <summary>Checks the chain (leaf first, DER) for <paramref name="host"/>; returns null when trusted, else why not.</summary>
    public string? Verify(IReadOnlyList<byte[]> chainDer, string host)
    {
        ArgumentNullException.ThrowIfNull(chainDer);
        if (chainDer.Count == 0)
        {
            return "the server sent no certificate";
        }

        var certificates = new List<X509Certificate2>(chainDer.Count);
        try
        {
            foreach (var der in chainDer)
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(der));
            }

            var leaf = certificates[0];
            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = _timeProvider.GetUtcNow().LocalDateTime;
            chain.ChainPolicy.ApplicationPolicy.Add(ServerAuth);
            chain.ChainPolicy.ExtraStore.AddRange(certificates.Skip(1).ToArray());
            if (_extraRoots is not null)
            {
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(_trustStore.Value);
            }

            if (!chain.Build(leaf))
            {
                return Describe(chain, leaf);
            }

            if (!leaf.MatchesHostname(host, allowWildcards: true, allowCommonName: false))
            {
                return $"the certificate is not valid for '{host}' (it names {Names(leaf)})";
            }

            return null;
        }
        catch (CryptographicException ex)
        {
            return $"the server's certificate cannot be parsed: {ex.Message}";
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    private static string Describe(X509Chain chain, X509Certificate2 leaf)
    {
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        if ((flags & (X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested)) != 0)
        {
            return $"the certificate has expired or is not yet valid (valid {leaf.NotBefore:u} to {leaf.NotAfter:u})";
        }

        if ((flags & X509ChainStatusFlags.NotValidForUsage) != 0)
        {
            return "the certificate is not valid for server authentication (extended key usage)";
        }

        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            var selfSigned = leaf.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData);
            return selfSigned
                ? $"the certificate is self-signed and not trusted (subject '{leaf.Subject}')"
                : $"the certificate is signed by an unknown authority (issuer '{leaf.Issuer}')";
        }

        var details = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return $"the certificate chain is not valid ({(details.Length > 0 ? details : flags.ToString())})";
    }

    private static string Names(X509Certificate2 leaf)
    {
        var san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return "no DNS or IP subject alternative name";
        }

        var names = san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(ip => ip.ToString())).ToList();
        return names.Count == 0 ? "no DNS or IP subject alternative name" : string.Join(", ", names);
    }

    // KES (Go) pools the system roots and the given CA certificates; CustomRootTrust needs both spelled out.
    private X509Certificate2Collection LoadTrustStore()
    {
        var all = new X509Certificate2Collection();
        all.AddRange(_extraRoots!);
        try
        {
            using var system = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            system.Open(OpenFlags.ReadOnly);
            all.AddRange(system.Certificates);
        }
        catch (CryptographicException)
        {
            // No readable system store: the given CA certificates alone.
        }

        return all;
    }
}

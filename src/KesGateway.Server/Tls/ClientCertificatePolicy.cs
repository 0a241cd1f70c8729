using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KesGateway.Server.Tls;

/// <summary>How client certificates are requested and checked (<c>tls.auth</c>, <c>tls.ca</c>; kes-compat §1.1).</summary>
/// <param name="Required">Whether the handshake fails without a client certificate (no route skips auth).</param>
/// <param name="Verify">Whether the certificate must chain to the system roots or <paramref name="ExtraRoots"/> with EKU clientAuth.</param>
/// <param name="ExtraRoots">CA certificates from <c>tls.ca</c>.</param>
public sealed record ClientCertificatePolicy(bool Required, bool Verify, X509Certificate2Collection ExtraRoots)
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Checks a presented chain; without verification any certificate is accepted (the handshake proves key possession).</summary>
    public bool Accepts(X509Certificate2 leaf, IEnumerable<X509Certificate2> presented)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        if (!Verify)
        {
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuth);
        chain.ChainPolicy.ExtraStore.AddRange(presented.ToArray());
        if (ExtraRoots.Count > 0)
        {
            // System roots plus tls.ca, as KES pools them.
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(ExtraRoots);
            using var system = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            system.Open(OpenFlags.ReadOnly);
            chain.ChainPolicy.CustomTrustStore.AddRange(system.Certificates);
        }

        return chain.Build(leaf);
    }
}

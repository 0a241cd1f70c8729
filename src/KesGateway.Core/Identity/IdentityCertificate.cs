namespace KesGateway.Core.Identity;

/// <summary>A newly generated certificate and private key, both PEM, and the certificate's identity.</summary>
public sealed class IdentityCertificate : IDisposable
{
    internal IdentityCertificate(KesIdentity identity, string certificatePem, string privateKeyPem, ApiKey? apiKey)
    {
        Identity = identity;
        CertificatePem = certificatePem;
        PrivateKeyPem = privateKeyPem;
        ApiKey = apiKey;
    }

    /// <summary>Gets the identity of the certificate.</summary>
    public KesIdentity Identity { get; }

    /// <summary>Gets the certificate as a PEM <c>CERTIFICATE</c> block ending in a newline.</summary>
    public string CertificatePem { get; }

    /// <summary>Gets the private key as a PEM <c>PRIVATE KEY</c> block (PKCS#8) ending in a newline; a secret.</summary>
    public string PrivateKeyPem { get; }

    /// <summary>Gets the API key equal to an Ed25519 private key; <see langword="null"/> for ECDSA.</summary>
    public ApiKey? ApiKey { get; }

    /// <summary>Zeroes the API key's seed, if any.</summary>
    public void Dispose() => ApiKey?.Dispose();
}

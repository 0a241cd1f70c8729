using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Parameters;
using BcX509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace KesGateway.Core.Identity;

/// <summary>
/// A self-signed Ed25519 certificate and its private key. .NET cannot load Ed25519 private keys, so the key stays
/// a BouncyCastle object for BouncyCastle's TLS client; <see cref="ToX509Certificate2"/> gives the public part.
/// </summary>
public sealed class Ed25519Certificate
{
    private readonly byte[] _der;

    internal Ed25519Certificate(BcX509Certificate certificate, Ed25519PrivateKeyParameters privateKey)
    {
        Certificate = certificate;
        PrivateKey = privateKey;
        _der = certificate.GetEncoded();
        Identity = CertificateIdentity.Of(_der);
    }

    /// <summary>Gets the BouncyCastle certificate.</summary>
    public BcX509Certificate Certificate { get; }

    /// <summary>Gets the BouncyCastle private key.</summary>
    public Ed25519PrivateKeyParameters PrivateKey { get; }

    /// <summary>Gets the certificate's DER encoding.</summary>
    public ReadOnlyMemory<byte> RawData => _der;

    /// <summary>Gets the identity of the certificate (equal to the identity of its API key).</summary>
    public KesIdentity Identity { get; }

    /// <summary>Returns the certificate as a PEM <c>CERTIFICATE</c> block ending in a newline.</summary>
    public string ExportCertificatePem() => PemEncoding.WriteString("CERTIFICATE", _der) + "\n";

    /// <summary>Returns the private key as a PEM <c>PRIVATE KEY</c> block (PKCS#8) ending in a newline.</summary>
    public string ExportPrivateKeyPem()
    {
        Span<byte> seed = stackalloc byte[ApiKey.SeedSize];
        try
        {
            PrivateKey.Encode(seed);
            return Ed25519Pkcs8.EncodePem(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Loads the public certificate into .NET (without the private key).</summary>
    public X509Certificate2 ToX509Certificate2() => X509CertificateLoader.LoadCertificate(_der);
}

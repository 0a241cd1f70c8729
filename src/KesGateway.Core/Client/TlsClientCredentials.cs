using System.Security.Cryptography;
using KesGateway.Core.Identity;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Org.BouncyCastle.X509;
using BcCertificate = Org.BouncyCastle.Tls.Certificate;
using TlsHash = Org.BouncyCastle.Tls.HashAlgorithm;

namespace KesGateway.Core.Client;

/// <summary>
/// The client certificate chain and private key the TLS handshake presents, held as BouncyCastle objects because
/// .NET's TLS cannot sign with Ed25519. Built from an API key (the derived self-signed Ed25519 certificate) or PEM files.
/// </summary>
internal sealed class TlsClientCredentials
{
    private readonly byte[][] _chain;
    private readonly AsymmetricKeyParameter _privateKey;

    private TlsClientCredentials(byte[][] chain, AsymmetricKeyParameter privateKey, KesIdentity identity)
    {
        _chain = chain;
        _privateKey = privateKey;
        Identity = identity;
    }

    /// <summary>Gets the identity the server computes for the leaf certificate.</summary>
    public KesIdentity Identity { get; }

    /// <summary>Gets a short name of the key type for messages (<c>Ed25519</c>, <c>ECDSA P-256</c>, <c>RSA</c>).</summary>
    public string KeyType => _privateKey switch
    {
        Ed25519PrivateKeyParameters => "Ed25519",
        Ed448PrivateKeyParameters => "Ed448",
        ECPrivateKeyParameters ec => $"ECDSA ({ec.Parameters.Curve.FieldSize}-bit)",
        RsaKeyParameters => "RSA",
        _ => _privateKey.GetType().Name,
    };

    /// <summary>Derives the certificate of an API key, valid from now for 90 days, as kms-go does.</summary>
    public static TlsClientCredentials FromApiKey(ApiKey apiKey, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var certificate = ClientCertificateFactory.Create(apiKey, timeProvider);
        return new TlsClientCredentials([certificate.RawData.ToArray()], certificate.PrivateKey, certificate.Identity);
    }

    /// <summary>Loads a PEM certificate chain and its PEM private key (PKCS#8, SEC1 or PKCS#1; legacy or PKCS#8 encryption).</summary>
    /// <exception cref="ArgumentException">A file is missing, unreadable, empty or the key does not match; the message names the file.</exception>
    public static TlsClientCredentials FromPemFiles(string certificateFile, string privateKeyFile, string? password)
    {
        ArgumentNullException.ThrowIfNull(certificateFile);
        ArgumentNullException.ThrowIfNull(privateKeyFile);

        var chain = new List<X509Certificate>();
        foreach (var item in ReadPem(certificateFile, password: null, "certificate"))
        {
            if (item is X509Certificate certificate)
            {
                chain.Add(certificate);
            }
        }

        if (chain.Count == 0)
        {
            throw new ArgumentException($"client certificate '{certificateFile}' contains no PEM CERTIFICATE block");
        }

        AsymmetricKeyParameter? privateKey = null;
        foreach (var item in ReadPem(privateKeyFile, password, "private key"))
        {
            privateKey = item switch
            {
                AsymmetricCipherKeyPair pair => pair.Private,
                AsymmetricKeyParameter { IsPrivate: true } key => key,
                _ => null,
            };
            if (privateKey is not null)
            {
                break;
            }
        }

        if (privateKey is null)
        {
            throw new ArgumentException($"client private key '{privateKeyFile}' contains no PEM private key");
        }

        if (!Matches(privateKey, chain[0].GetPublicKey()))
        {
            throw new ArgumentException($"client private key '{privateKeyFile}' does not belong to the certificate '{certificateFile}'");
        }

        var der = chain.Select(c => c.GetEncoded()).ToArray();
        return new TlsClientCredentials(der, privateKey, CertificateIdentity.Of(der[0]));
    }

    /// <summary>
    /// Creates the signer for one handshake, choosing the first signature scheme the server accepts for this key type
    /// (ed25519 = 0x0807 for API keys), or null when it accepts none.
    /// </summary>
    public TlsCredentialedSigner? CreateSigner(TlsContext context, BcTlsCrypto crypto, CertificateRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var tls13 = context.ServerVersion.IsEqualOrLaterVersionOf(ProtocolVersion.TLSv13);
        var offered = request.SupportedSignatureAlgorithms;
        var scheme = Candidates(_privateKey, tls13).FirstOrDefault(c => offered is null || offered.Contains(c));
        if (scheme is null)
        {
            return null;
        }

        var certificates = _chain.Select(crypto.CreateCertificate).ToArray();
        var certificate = tls13
            ? new BcCertificate(request.GetCertificateRequestContext(), certificates.Select(c => new CertificateEntry(c, null)).ToArray())
            : new BcCertificate(certificates);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, _privateKey, certificate, scheme);
    }

    private static IEnumerable<SignatureAndHashAlgorithm> Candidates(AsymmetricKeyParameter key, bool tls13)
    {
        switch (key)
        {
            case Ed25519PrivateKeyParameters:
                yield return SignatureAndHashAlgorithm.ed25519;
                break;
            case Ed448PrivateKeyParameters:
                yield return SignatureAndHashAlgorithm.ed448;
                break;
            case ECPrivateKeyParameters ec:
                // TLS 1.3 binds each ECDSA scheme to one curve; TLS 1.2 lets any hash go with any curve.
                var curveHash = ec.Parameters.Curve.FieldSize switch
                {
                    <= 256 => TlsHash.sha256,
                    <= 384 => TlsHash.sha384,
                    _ => TlsHash.sha512,
                };
                yield return SignatureAndHashAlgorithm.GetInstance(curveHash, SignatureAlgorithm.ecdsa);
                if (!tls13)
                {
                    foreach (var hash in new[] { TlsHash.sha256, TlsHash.sha384, TlsHash.sha512 })
                    {
                        yield return SignatureAndHashAlgorithm.GetInstance(hash, SignatureAlgorithm.ecdsa);
                    }
                }

                break;
            case RsaKeyParameters:
                yield return SignatureAndHashAlgorithm.rsa_pss_rsae_sha256;
                yield return SignatureAndHashAlgorithm.rsa_pss_rsae_sha384;
                yield return SignatureAndHashAlgorithm.rsa_pss_rsae_sha512;
                if (!tls13)
                {
                    yield return SignatureAndHashAlgorithm.GetInstance(TlsHash.sha256, SignatureAlgorithm.rsa);
                    yield return SignatureAndHashAlgorithm.GetInstance(TlsHash.sha384, SignatureAlgorithm.rsa);
                    yield return SignatureAndHashAlgorithm.GetInstance(TlsHash.sha512, SignatureAlgorithm.rsa);
                }

                break;
        }
    }

    private static bool Matches(AsymmetricKeyParameter privateKey, AsymmetricKeyParameter publicKey) => (privateKey, publicKey) switch
    {
        (Ed25519PrivateKeyParameters d, Ed25519PublicKeyParameters q) =>
            CryptographicOperations.FixedTimeEquals(d.GeneratePublicKey().GetEncoded(), q.GetEncoded()),
        (Ed448PrivateKeyParameters d, Ed448PublicKeyParameters q) =>
            CryptographicOperations.FixedTimeEquals(d.GeneratePublicKey().GetEncoded(), q.GetEncoded()),
        (ECPrivateKeyParameters d, ECPublicKeyParameters q) =>
            d.Parameters.Equals(q.Parameters) && d.Parameters.G.Multiply(d.D).Normalize().Equals(q.Q.Normalize()),
        (RsaPrivateCrtKeyParameters d, RsaKeyParameters q) =>
            d.Modulus.Equals(q.Modulus) && d.PublicExponent.Equals(q.Exponent),
        (RsaKeyParameters d, RsaKeyParameters q) => d.Modulus.Equals(q.Modulus),
        _ => false,
    };

    private static List<object> ReadPem(string path, string? password, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read the client {what} '{path}': {ex.Message}", ex);
        }

        if (password is null && (text.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal) || text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"the client {what} '{path}' is encrypted: a password is required");
        }

        var items = new List<object>();
        try
        {
            using var reader = new StringReader(text);
            var pem = new PemReader(reader, password is null ? null : new PasswordFinder(password));
            while (pem.ReadObject() is { } item)
            {
                items.Add(item);
            }
        }
        catch (PasswordException ex)
        {
            throw new ArgumentException($"the client {what} '{path}' is encrypted: a password is required", ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var hint = password is null ? string.Empty : " (wrong password?)";
            throw new ArgumentException($"cannot parse the client {what} '{path}'{hint}", ex);
        }

        return items;
    }

    private sealed class PasswordFinder(string password) : IPasswordFinder
    {
        public char[] GetPassword() => password.ToCharArray();
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Pkcs;

namespace KesGateway.Server.Tls;

/// <summary>Loads the server's PEM key and certificate chain with KES's rules and errors people can act on (kes-compat §1.1).</summary>
public static class ServerCertificateLoader
{
    /// <summary>Loads the pair, checking it can serve TLS.</summary>
    /// <exception cref="InvalidOperationException">The files are missing, unreadable or unsuitable; the message names the file and the fix.</exception>
    public static X509Certificate2Collection Load(string certificatePath, string keyPath, string? password)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPemFile(certificatePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"tls.cert: cannot read the certificate '{certificatePath}': {ex.Message}", ex);
        }

        if (chain.Count == 0)
        {
            throw new InvalidOperationException($"tls.cert: '{certificatePath}' contains no PEM CERTIFICATE block");
        }

        var leaf = chain[0];
        if (leaf.PublicKey.Oid.Value == "1.3.101.112")
        {
            throw new InvalidOperationException(
                $"tls.cert: '{certificatePath}' has an Ed25519 key, which .NET's TLS server cannot use. "
                + "Create an ECDSA pair instead: kesgw identity new --key server.key --cert server.cert --ip 127.0.0.1 --dns localhost");
        }

        if (!HasDnsOrIpSan(leaf))
        {
            throw new InvalidOperationException(
                $"tls.cert: invalid TLS certificate: certificate does not contain any DNS or IP address as SAN ('{certificatePath}'). "
                + "Clients verify the server by its SAN; create one with --ip/--dns, e.g. kesgw identity new --key server.key --cert server.cert --ip 127.0.0.1 --dns localhost");
        }

        var withKey = AttachKey(leaf, keyPath, password, "tls");
        chain[0] = withKey;
        return chain;
    }

    /// <summary>
    /// Pairs <paramref name="leaf"/> with the PEM key in <paramref name="keyPath"/> (RSA or ECDSA, legacy-encrypted with
    /// <paramref name="password"/> as KES allows), in a form SslStream can use on every platform. Errors name
    /// <c><paramref name="field"/>.key</c> and <c><paramref name="field"/>.password</c>, e.g. <c>tls.key</c> or <c>upstreams.a.tls.key</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key is missing, unreadable, encrypted without password, or not the certificate's.</exception>
    internal static X509Certificate2 AttachKey(X509Certificate2 leaf, string keyPath, string? password, string field)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{field}.key: cannot read the private key '{keyPath}': {ex.Message}", ex);
        }

        using AsymmetricAlgorithm key = LoadKey(pem, keyPath, password, field);
        try
        {
            var paired = key switch
            {
                RSA rsa => leaf.CopyWithPrivateKey(rsa),
                ECDsa ecdsa => leaf.CopyWithPrivateKey(ecdsa),
                _ => throw new InvalidOperationException($"{field}.key: '{keyPath}' holds a key type the gateway cannot use for TLS; use RSA or ECDSA"),
            };

            // Kestrel on Linux needs an exportable, persisted form of an ephemeral key for the TLS handshake.
            return X509CertificateLoader.LoadPkcs12(paired.Export(X509ContentType.Pkcs12), null);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{field}.key: the private key '{keyPath}' does not belong to the certificate's public key", ex);
        }
    }

    private static AsymmetricAlgorithm LoadKey(string pem, string keyPath, string? password, string field)
    {
        if (pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            if (string.IsNullOrEmpty(password))
            {
                throw new InvalidOperationException($"{field}.key: https: private key is encrypted: password required (set {field}.password for '{keyPath}')");
            }

            return LoadLegacyEncrypted(pem, keyPath, password, field);
        }

        if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{field}.key: '{keyPath}' is an encrypted PKCS#8 key, which KES does not support either; decrypt it (openssl pkey -in {keyPath} -out plain.key)");
        }

        if (pem.Contains("BEGIN EC PRIVATE KEY", StringComparison.Ordinal) || LooksLike(pem, "1.2.840.10045"))
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return ec;
        }

        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            try
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                return ec;
            }
            catch (Exception inner) when (inner is CryptographicException or ArgumentException)
            {
                throw new InvalidOperationException($"{field}.key: '{keyPath}' holds no RSA or ECDSA private key the gateway can use (an Ed25519 key cannot be used for TLS in .NET)", inner);
            }
        }
    }

    private static bool LooksLike(string pem, string oid) => pem.Contains(oid, StringComparison.Ordinal);

    private static AsymmetricAlgorithm LoadLegacyEncrypted(string pem, string keyPath, string password, string field)
    {
        try
        {
            using var reader = new StringReader(pem);
            var parsed = new PemReader(reader, new Password(password)).ReadObject();
            var privateKey = parsed switch
            {
                AsymmetricCipherKeyPair pair => pair.Private,
                AsymmetricKeyParameter { IsPrivate: true } p => p,
                _ => throw new InvalidOperationException($"{field}.key: '{keyPath}' holds no private key"),
            };
            var pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(privateKey).GetDerEncoded();
            try
            {
                var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(pkcs8, out _);
                return ec;
            }
            catch (CryptographicException)
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                return rsa;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            throw new InvalidOperationException($"{field}.key: cannot decrypt '{keyPath}' with {field}.password (wrong password?)", ex);
        }
    }

    private static bool HasDnsOrIpSan(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san
                && (san.EnumerateDnsNames().Any() || san.EnumerateIPAddresses().Any()))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Password(string password) : IPasswordFinder
    {
        public char[] GetPassword() => password.ToCharArray();
    }
}

using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Rfc8032Ed25519 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace KesGateway.Core.Identity;

/// <summary>
/// A KES API key: an Ed25519 private key written as <c>kes:v1:</c> + base64(0x00 ‖ 32-byte seed)
/// (kms-go kes/apikey.go). The seed is zeroed on <see cref="Dispose"/>.
/// </summary>
[DebuggerDisplay("ApiKey {Identity}")]
public sealed class ApiKey : IDisposable
{
    /// <summary>The optional text prefix of an API key.</summary>
    public const string Prefix = "kes:v1:";

    /// <summary>The size of an Ed25519 seed (RFC 8032 private key).</summary>
    public const int SeedSize = 32;

    /// <summary>The size of an Ed25519 public key.</summary>
    public const int PublicKeySize = 32;

    /// <summary>The length of the canonical text form.</summary>
    public const int TextLength = 51;

    private const byte Ed25519Type = 0;
    private const int EncodedSize = 1 + SeedSize;
    private const int Base64Length = 44;

    private readonly byte[] _seed;
    private readonly byte[] _publicKey;
    private bool _disposed;

    // Takes ownership of seed.
    private ApiKey(byte[] seed)
    {
        _seed = seed;
        _publicKey = new byte[PublicKeySize];
        Rfc8032Ed25519.GeneratePublicKey(seed, _publicKey);
        Identity = IdentityOfPublicKey(_publicKey);
    }

    /// <summary>Gets the identity of the key's public key (equal to that of any certificate carrying it).</summary>
    public KesIdentity Identity { get; }

    /// <summary>Gets the 32-byte Ed25519 public key.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    // 30 2a 30 05 06 03 2b 65 70 03 21 00: SubjectPublicKeyInfo header for Ed25519 without parameters.
    private static ReadOnlySpan<byte> Ed25519SpkiPrefix =>
        [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    /// <summary>Generates a new random API key.</summary>
    public static ApiKey Generate()
    {
        var seed = new byte[SeedSize];
        RandomNumberGenerator.Fill(seed);
        return new ApiKey(seed);
    }

    /// <summary>Creates the API key for a 32-byte Ed25519 seed (copied).</summary>
    public static ApiKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        return new ApiKey(seed.ToArray());
    }

    /// <summary>Parses an API key, with or without the <c>kes:v1:</c> prefix.</summary>
    /// <exception cref="FormatException">The text is not an API key; the message says why.</exception>
    public static ApiKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var key, out var error) ? key : throw new FormatException(error);
    }

    /// <summary>
    /// Parses an API key like kms-go's <c>ParseAPIKey</c>: an exact <c>kes:v1:</c> prefix is stripped, the rest
    /// must be standard padded base64 of 33 bytes whose first byte is 0. The error never contains key material.
    /// </summary>
    public static bool TryParse(
        [NotNullWhen(true)] string? text,
        [NotNullWhen(true)] out ApiKey? apiKey,
        [NotNullWhen(false)] out string? error)
    {
        apiKey = null;
        var encoded = text.AsSpan();
        if (encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            encoded = encoded[Prefix.Length..];
        }

        if (encoded.IsEmpty)
        {
            error = "kes: invalid API key: empty";
            return false;
        }

        // Go's decoder skips CR and LF anywhere; anything else outside the alphabet is an error (unlike
        // Convert.FromBase64String, which also skips spaces and tabs).
        var length = 0;
        var padding = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c is '\r' or '\n')
            {
                continue;
            }

            var isAlphabet = char.IsAsciiLetterOrDigit(c) || c is '+' or '/';
            if ((c == '=' && padding < 2) || (isAlphabet && padding == 0))
            {
                padding += c == '=' ? 1 : 0;
                length++;
                continue;
            }

            error = $"kes: invalid API key: illegal base64 data at input byte {i}";
            return false;
        }

        if (length % 4 != 0 || (padding > 0 && length < 4))
        {
            error = $"kes: invalid API key: illegal base64 data at input byte {encoded.Length}";
            return false;
        }

        if ((length / 4 * 3) - padding != EncodedSize)
        {
            error = "kes: invalid API key: invalid length";
            return false;
        }

        Span<char> compact = stackalloc char[Base64Length];
        var n = 0;
        foreach (var c in encoded)
        {
            if (c is not ('\r' or '\n'))
            {
                compact[n++] = c;
            }
        }

        Span<byte> decoded = stackalloc byte[EncodedSize];
        try
        {
            if (!Convert.TryFromBase64Chars(compact, decoded, out var written) || written != EncodedSize)
            {
                error = "kes: invalid API key: invalid length";
                return false;
            }

            if (decoded[0] != Ed25519Type)
            {
                error = "kes: invalid API key: unsupported type";
                return false;
            }

            apiKey = new ApiKey(decoded[1..].ToArray());
            error = null;
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decoded);
            compact.Clear();
        }
    }

    /// <summary>Creates the API key of an unencrypted PKCS#8 Ed25519 private key (DER).</summary>
    /// <exception cref="CryptographicException">Not PKCS#8 or not Ed25519.</exception>
    public static ApiKey FromPkcs8PrivateKey(ReadOnlySpan<byte> pkcs8)
    {
        var seed = new byte[SeedSize];
        try
        {
            Ed25519Pkcs8.Decode(pkcs8, seed);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(seed);
            throw;
        }

        return new ApiKey(seed);
    }

    /// <summary>
    /// Creates the API key of the first PEM <c>PRIVATE KEY</c> block (unencrypted PKCS#8 Ed25519), as
    /// <c>kes identity &lt;file&gt;</c> does.
    /// </summary>
    /// <exception cref="CryptographicException">No such block, an encrypted key, or not Ed25519.</exception>
    public static ApiKey FromPkcs8PrivateKeyPem(ReadOnlySpan<char> pem)
    {
        while (PemEncoding.TryFind(pem, out var fields))
        {
            var label = pem[fields.Label];
            if (label.SequenceEqual(Ed25519Pkcs8.PemLabel))
            {
                var der = new byte[fields.DecodedDataLength];
                try
                {
                    if (!Convert.TryFromBase64Chars(pem[fields.Base64Data], der, out _))
                    {
                        throw new CryptographicException("malformed PEM private key");
                    }

                    return FromPkcs8PrivateKey(der);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(der);
                }
            }

            if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                throw new CryptographicException(label.SequenceEqual("ENCRYPTED PRIVATE KEY")
                    ? "encrypted private keys are not supported"
                    : $"unsupported private key format '{label}': only PKCS#8 Ed25519 private keys are supported");
            }

            pem = pem[fields.Location.End..];
        }

        throw new CryptographicException("no PEM private key found");
    }

    /// <summary>Computes the identity of a raw 32-byte Ed25519 public key.</summary>
    public static KesIdentity IdentityOfPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeySize)
        {
            throw new ArgumentException("An Ed25519 public key is 32 bytes.", nameof(publicKey));
        }

        Span<byte> spki = stackalloc byte[Ed25519SpkiPrefix.Length + PublicKeySize];
        Ed25519SpkiPrefix.CopyTo(spki);
        publicKey.CopyTo(spki[Ed25519SpkiPrefix.Length..]);
        return KesIdentity.FromSubjectPublicKeyInfo(spki);
    }

    /// <summary>Exports the private key as unencrypted PKCS#8 DER, the form Go's <c>MarshalPKCS8PrivateKey</c> writes.</summary>
    public byte[] ExportPkcs8PrivateKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var der = new byte[Ed25519Pkcs8.EncodedLength];
        Ed25519Pkcs8.Encode(_seed, der);
        return der;
    }

    /// <summary>Exports the private key as a PEM <c>PRIVATE KEY</c> block (PKCS#8).</summary>
    public string ExportPkcs8PrivateKeyPem()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Ed25519Pkcs8.EncodePem(_seed);
    }

    /// <summary>Creates the BouncyCastle private key (BouncyCastle keeps its own copy of the seed).</summary>
    public Ed25519PrivateKeyParameters ToBouncyCastlePrivateKey()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Ed25519PrivateKeyParameters(_seed);
    }

    /// <summary>Returns the secret text form <c>kes:v1:</c> + base64(0x00 ‖ seed).</summary>
    public override string ToString()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> encoded = stackalloc byte[EncodedSize];
        Span<char> text = stackalloc char[TextLength];
        try
        {
            encoded[0] = Ed25519Type;
            _seed.CopyTo(encoded[1..]);
            Prefix.CopyTo(text);
            Convert.TryToBase64Chars(encoded, text[Prefix.Length..], out _);
            return new string(text);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
            text.Clear();
        }
    }

    /// <summary>Zeroes the seed; the key cannot be used afterwards.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_seed);
        _disposed = true;
    }
}

using System.Formats.Asn1;
using System.Security.Cryptography;

namespace KesGateway.Core.Identity;

/// <summary>Encodes and decodes Ed25519 private keys as PKCS#8 PrivateKeyInfo (RFC 8410).</summary>
internal static class Ed25519Pkcs8
{
    /// <summary>The PEM label Go and OpenSSL use for unencrypted PKCS#8 keys.</summary>
    public const string PemLabel = "PRIVATE KEY";

    /// <summary>The Ed25519 algorithm OID (RFC 8410).</summary>
    public const string Ed25519Oid = "1.3.101.112";

    // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }: the version-0
    // form Go's MarshalPKCS8PrivateKey writes, without the optional public key.
    private static ReadOnlySpan<byte> Prefix =>
        [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

    /// <summary>Gets the length of the encoding <see cref="Encode"/> writes.</summary>
    public static int EncodedLength => Prefix.Length + ApiKey.SeedSize;

    /// <summary>Writes the PKCS#8 DER of <paramref name="seed"/> into <paramref name="destination"/>.</summary>
    public static void Encode(ReadOnlySpan<byte> seed, Span<byte> destination)
    {
        Prefix.CopyTo(destination);
        seed.CopyTo(destination[Prefix.Length..]);
    }

    /// <summary>Writes <paramref name="seed"/> as a PEM <c>PRIVATE KEY</c> block ending in a newline.</summary>
    public static string EncodePem(ReadOnlySpan<byte> seed)
    {
        Span<byte> der = stackalloc byte[EncodedLength];
        try
        {
            Encode(seed, der);
            return PemEncoding.WriteString(PemLabel, der) + "\n";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    /// <summary>
    /// Extracts the 32-byte seed of an Ed25519 PKCS#8 key into <paramref name="seed"/>. Messages never contain key bytes.
    /// </summary>
    /// <exception cref="CryptographicException">Not PKCS#8, or not an Ed25519 key.</exception>
    public static void Decode(ReadOnlySpan<byte> pkcs8, Span<byte> seed)
    {
        const AsnEncodingRules Rules = AsnEncodingRules.DER;
        try
        {
            AsnDecoder.ReadSequence(pkcs8, Rules, out var offset, out var length, out var consumed);
            if (consumed != pkcs8.Length)
            {
                throw new CryptographicException("x509: trailing data after PKCS#8 private key");
            }

            var info = pkcs8.Slice(offset, length);

            // version: 0 (RFC 5208) or 1 (RFC 5958 OneAsymmetricKey, which may carry the public key).
            if (!AsnDecoder.TryReadInt32(info, Rules, out var version, out consumed) || version is not (0 or 1))
            {
                throw new CryptographicException("x509: unsupported PKCS#8 version");
            }

            info = info[consumed..];

            AsnDecoder.ReadSequence(info, Rules, out offset, out length, out consumed);
            var algorithm = info.Slice(offset, length);
            info = info[consumed..];

            var oid = AsnDecoder.ReadObjectIdentifier(algorithm, Rules, out consumed);
            if (oid != Ed25519Oid)
            {
                throw new CryptographicException(
                    $"unsupported {AlgorithmName(oid)} private key: only Ed25519 private keys are supported");
            }

            if (consumed != algorithm.Length)
            {
                throw new CryptographicException("x509: invalid Ed25519 private key parameters");
            }

            // privateKey OCTET STRING wraps CurvePrivateKey ::= OCTET STRING (RFC 8410 §7).
            if (!AsnDecoder.TryReadPrimitiveOctetString(info, Rules, out var wrapped, out _)
                || !AsnDecoder.TryReadPrimitiveOctetString(wrapped, Rules, out var curvePrivateKey, out consumed)
                || consumed != wrapped.Length
                || curvePrivateKey.Length != ApiKey.SeedSize)
            {
                throw new CryptographicException("x509: invalid Ed25519 private key length");
            }

            curvePrivateKey.CopyTo(seed);
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("x509: malformed PKCS#8 private key", ex);
        }
    }

    private static string AlgorithmName(string oid) => oid switch
    {
        "1.2.840.10045.2.1" => "ECDSA",
        "1.2.840.113549.1.1.1" => "RSA",
        "1.3.101.110" => "X25519",
        "1.3.101.113" => "Ed448",
        _ => $"'{oid}'",
    };
}

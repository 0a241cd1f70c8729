using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KesGateway.Core.Identity;

/// <summary>Computes KES identities of X.509 certificates and of TLS peer chains (kes auth.go).</summary>
public static class CertificateIdentity
{
    /// <summary>KES's error when no non-CA certificate was presented.</summary>
    public const string ClientCertificateRequiredMessage = "tls: client certificate is required";

    /// <summary>KES's error when several non-CA certificates were presented.</summary>
    public const string MoreThanOneClientCertificateMessage = "tls: received more than one client certificate";

    private const string BasicConstraintsOid = "2.5.29.19";

    private static readonly Asn1Tag ExplicitVersionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>Computes the identity of <paramref name="certificate"/>.</summary>
    public static KesIdentity Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Of(certificate.RawDataMemory.Span);
    }

    /// <summary>Computes the identity of a DER-encoded certificate.</summary>
    /// <exception cref="CryptographicException">The bytes are not a well-formed certificate.</exception>
    public static KesIdentity Of(ReadOnlySpan<byte> certificateDer) =>
        KesIdentity.FromSubjectPublicKeyInfo(GetSubjectPublicKeyInfo(certificateDer));

    /// <summary>
    /// Returns the certificate's SubjectPublicKeyInfo TLV exactly as encoded; re-encoding the key could change
    /// its parameters (absent vs NULL) and with them the identity.
    /// </summary>
    /// <exception cref="CryptographicException">The bytes are not a well-formed certificate.</exception>
    public static ReadOnlySpan<byte> GetSubjectPublicKeyInfo(ReadOnlySpan<byte> certificateDer)
    {
        // The span decoder is used instead of AsnReader because AsnReader needs ReadOnlyMemory and allocates.
        const AsnEncodingRules Rules = AsnEncodingRules.DER;
        try
        {
            AsnDecoder.ReadSequence(certificateDer, Rules, out var certOffset, out var certLength, out var consumed);
            if (consumed != certificateDer.Length)
            {
                throw new CryptographicException("x509: trailing data after certificate");
            }

            var certificate = certificateDer.Slice(certOffset, certLength);
            AsnDecoder.ReadSequence(certificate, Rules, out var tbsOffset, out var tbsLength, out _);
            var tbs = certificate.Slice(tbsOffset, tbsLength);

            if (Asn1Tag.Decode(tbs, out _) == ExplicitVersionTag)
            {
                tbs = Skip(tbs, Rules);
            }

            // serialNumber, signature, issuer, validity, subject precede subjectPublicKeyInfo.
            for (var i = 0; i < 5; i++)
            {
                tbs = Skip(tbs, Rules);
            }

            if (!Asn1Tag.Decode(tbs, out _).HasSameClassAndValue(Asn1Tag.Sequence))
            {
                throw new CryptographicException("x509: malformed subject public key info");
            }

            AsnDecoder.ReadEncodedValue(tbs, Rules, out _, out _, out var spkiLength);
            return tbs[..spkiLength];
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("x509: malformed certificate", ex);
        }
    }

    /// <summary>Reports whether the certificate's Basic Constraints say CA=true (Go's <c>IsCA</c>).</summary>
    public static bool IsCertificateAuthority(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.Extensions[BasicConstraintsOid] is X509BasicConstraintsExtension { CertificateAuthority: true };
    }

    /// <summary>
    /// Identifies a TLS peer: CA certificates are skipped and exactly one certificate must remain.
    /// </summary>
    /// <exception cref="ClientCertificateException">None or more than one non-CA certificate.</exception>
    public static KesIdentity FromChain(IReadOnlyList<X509Certificate2> peerChain)
    {
        if (!TryFromChain(peerChain, out var identity, out var error))
        {
            throw new ClientCertificateException(error);
        }

        return identity;
    }

    /// <summary>
    /// Identifies a TLS peer without throwing; <paramref name="error"/> is KES's message when it fails.
    /// </summary>
    public static bool TryFromChain(
        IReadOnlyList<X509Certificate2> peerChain,
        out KesIdentity identity,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(peerChain);

        X509Certificate2? leaf = null;
        for (var i = 0; i < peerChain.Count; i++)
        {
            var certificate = peerChain[i];
            if (IsCertificateAuthority(certificate))
            {
                continue;
            }

            if (leaf is not null)
            {
                identity = default;
                error = MoreThanOneClientCertificateMessage;
                return false;
            }

            leaf = certificate;
        }

        if (leaf is null)
        {
            identity = default;
            error = ClientCertificateRequiredMessage;
            return false;
        }

        identity = Of(leaf);
        error = null;
        return true;
    }

    private static ReadOnlySpan<byte> Skip(ReadOnlySpan<byte> source, AsnEncodingRules rules)
    {
        AsnDecoder.ReadEncodedValue(source, rules, out _, out _, out var consumed);
        return source[consumed..];
    }
}

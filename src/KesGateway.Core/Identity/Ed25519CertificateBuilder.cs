using System.Net;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.X509;

namespace KesGateway.Core.Identity;

/// <summary>
/// Builds self-signed Ed25519 certificates shaped like those of kms-go's <c>GenerateCertificate</c>: X.509 v3,
/// random serial, CN only, KeyUsage digitalSignature (critical), ExtKeyUsage, BasicConstraints CA=false (critical),
/// SANs only when given.
/// </summary>
internal static class Ed25519CertificateBuilder
{
    /// <summary>Creates the certificate for <paramref name="apiKey"/>.</summary>
    public static Ed25519Certificate Build(
        ApiKey apiKey,
        string commonName,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        bool serverAuth,
        IReadOnlyList<string> dnsNames,
        IReadOnlyList<IPAddress> ipAddresses)
    {
        var privateKey = apiKey.ToBouncyCastlePrivateKey();
        var name = new X509Name(
            new List<DerObjectIdentifier> { X509Name.CN },
            new List<string> { commonName },
            GoNameEntryConverter.Instance);

        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(1, CertificateSerialNumber.NewRandom()));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(notBefore.UtcDateTime);
        generator.SetNotAfter(notAfter.UtcDateTime);
        generator.SetPublicKey(privateKey.GeneratePublicKey());

        // Same extensions in the same order as Go's x509.CreateCertificate writes them.
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature));
        generator.AddExtension(
            X509Extensions.ExtendedKeyUsage,
            false,
            serverAuth
                ? new ExtendedKeyUsage(KeyPurposeID.id_kp_clientAuth, KeyPurposeID.id_kp_serverAuth)
                : new ExtendedKeyUsage(KeyPurposeID.id_kp_clientAuth));
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));

        if (dnsNames.Count + ipAddresses.Count > 0)
        {
            var names = new List<GeneralName>(dnsNames.Count + ipAddresses.Count);
            names.AddRange(dnsNames.Select(dns => new GeneralName(GeneralName.DnsName, dns)));
            names.AddRange(ipAddresses.Select(ip =>
                new GeneralName(GeneralName.IPAddress, new DerOctetString(ip.GetAddressBytes()))));
            generator.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(names.ToArray()));
        }

        var certificate = generator.Generate(new Asn1SignatureFactory("Ed25519", privateKey));
        return new Ed25519Certificate(certificate, privateKey);
    }
}

using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace KesGateway.Core.Identity;

/// <summary>
/// Encodes name values as Go's crypto/x509 does: PrintableString when possible, else UTF8String. Unlike
/// BouncyCastle's default converter it never treats a leading '#' as hex-encoded DER.
/// </summary>
internal sealed class GoNameEntryConverter : X509NameEntryConverter
{
    /// <summary>Gets the shared instance.</summary>
    public static GoNameEntryConverter Instance { get; } = new();

    /// <inheritdoc/>
    public override Asn1Object GetConvertedValue(DerObjectIdentifier oid, string value) =>
        CanBePrintable(value) ? new DerPrintableString(value) : new DerUtf8String(value);
}

using System.Security.Cryptography;

namespace KesGateway.Core.Identity;

/// <summary>Random certificate serial numbers.</summary>
internal static class CertificateSerialNumber
{
    /// <summary>
    /// Returns 16 random big-endian bytes with the top bit clear and the next bit set, so the value is positive,
    /// never zero and has the same minimal DER encoding however a library interprets the bytes.
    /// </summary>
    public static byte[] NewRandom()
    {
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }
}

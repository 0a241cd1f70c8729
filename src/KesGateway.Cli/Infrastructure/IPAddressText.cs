using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace KesGateway.Cli.Infrastructure;

/// <summary>
/// Parses IP addresses as strictly as Go's <c>net.ParseIP</c>: dotted-quad IPv4 without leading zeros, or IPv6
/// without zone or brackets. <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> alone also accepts forms such
/// as <c>1</c> or <c>0x7f.1</c> that would silently put a surprising SAN into a certificate.
/// </summary>
internal static class IPAddressText
{
    /// <summary>Parses <paramref name="text"/>; IPv4-mapped IPv6 addresses become IPv4, as Go writes them into SANs.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (text.AsSpan().IndexOfAny("%[]/ ") >= 0 || !IPAddress.TryParse(text, out var v6))
            {
                return false;
            }

            address = v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6;
            return true;
        }

        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3
                || (part.Length > 1 && part[0] == '0')
                || !part.All(char.IsAsciiDigit)
                || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        address = new IPAddress(bytes);
        return true;
    }
}

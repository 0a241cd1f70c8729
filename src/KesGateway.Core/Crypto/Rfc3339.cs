namespace KesGateway.Core.Crypto;

/// <summary>
/// Parses RFC 3339 times as Go's <c>time.Time</c> JSON decoding accepts them for the times Go itself writes:
/// <c>YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)</c>, up to nine fractional digits kept (more are truncated).
/// </summary>
/// <remarks>Go's fallback parser also takes one-digit hours and similar oddities; KES never wrote them.</remarks>
internal static class Rfc3339
{
    /// <summary>Parses <paramref name="text"/> into a UTC instant and its exact nanosecond-of-second.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> text, out DateTimeOffset utc, out int nanosecond)
    {
        utc = default;
        nanosecond = 0;
        if (text.Length < 20
            || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || !TryDigits(text[..4], out var year) || !TryDigits(text[5..7], out var month)
            || !TryDigits(text[8..10], out var day) || !TryDigits(text[11..13], out var hour)
            || !TryDigits(text[14..16], out var minute) || !TryDigits(text[17..19], out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var rest = text[19..];
        if (rest.Length >= 2 && rest[0] is (byte)'.' or (byte)',' && char.IsAsciiDigit((char)rest[1]))
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit((char)rest[digits]))
            {
                digits++;
            }

            var scale = 100_000_000;
            for (var i = 1; i < digits && i <= 9; i++, scale /= 10)
            {
                nanosecond += (rest[i] - '0') * scale;
            }

            rest = rest[digits..];
        }

        long offsetSeconds = 0;
        if (rest.Length == 1 && rest[0] == 'Z')
        {
            offsetSeconds = 0;
        }
        else if (rest.Length == 6 && rest[0] is (byte)'+' or (byte)'-' && rest[3] == ':'
            && TryDigits(rest[1..3], out var offsetHours) && TryDigits(rest[4..6], out var offsetMinutes)
            && offsetHours <= 23 && offsetMinutes <= 59)
        {
            offsetSeconds = ((offsetHours * 60) + offsetMinutes) * 60 * (rest[0] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        var ticks = local.Ticks + (nanosecond / 100) - (offsetSeconds * TimeSpan.TicksPerSecond);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        utc = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}

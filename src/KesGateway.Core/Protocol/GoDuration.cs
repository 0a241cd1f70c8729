using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace KesGateway.Core.Protocol;

/// <summary>
/// Go's <c>time.ParseDuration</c> and <c>Duration.String</c>, used for every duration in KES configs and flags
/// (<c>300ms</c>, <c>1h30m</c>, <c>1.5h</c>, <c>-2s</c>). A unit is required after every number; the only unitless
/// value is <c>0</c>, which Go accepts. Values are truncated to <see cref="TimeSpan"/>'s 100 ns ticks.
/// </summary>
public static class GoDuration
{
    private const ulong MaxMagnitude = 1UL << 63;

    /// <summary>Parses a Go duration.</summary>
    /// <exception cref="FormatException">The text is not a Go duration; the message quotes it.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value, out var error) ? value : throw new FormatException(error);
    }

    /// <summary>Parses a Go duration; <paramref name="error"/> is Go's message, naming the bad value.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        if (!TryParseNanoseconds(text, out var nanoseconds, out error))
        {
            return false;
        }

        value = TimeSpan.FromTicks(nanoseconds / TimeSpan.NanosecondsPerTick);
        return true;
    }

    /// <summary>Parses a Go duration into nanoseconds, Go's own resolution.</summary>
    public static bool TryParseNanoseconds([NotNullWhen(true)] string? text, out long nanoseconds, [NotNullWhen(false)] out string? error)
    {
        nanoseconds = 0;
        var s = (text ?? string.Empty).AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            error = null;
            return true;
        }

        if (s.IsEmpty)
        {
            error = Invalid(text);
            return false;
        }

        ulong total = 0;
        while (!s.IsEmpty)
        {
            // Leading integer part.
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                error = Invalid(text);
                return false;
            }

            var integerStart = s.Length;
            if (!TryLeadingInt(ref s, out var whole))
            {
                error = Invalid(text);
                return false;
            }

            var hasInteger = s.Length != integerStart;

            // Optional fraction; digits beyond what fits are dropped, as in Go.
            ulong fraction = 0;
            var scale = 1.0;
            var hasFraction = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var fractionStart = s.Length;
                LeadingFraction(ref s, out fraction, out scale);
                hasFraction = s.Length != fractionStart;
            }

            if (!hasInteger && !hasFraction)
            {
                error = Invalid(text);
                return false;
            }

            var unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !char.IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }

            if (unitLength == 0)
            {
                error = $"time: missing unit in duration \"{text}\"";
                return false;
            }

            var unitText = s[..unitLength];
            s = s[unitLength..];
            var unit = UnitNanoseconds(unitText);
            if (unit == 0)
            {
                error = $"time: unknown unit \"{unitText}\" in duration \"{text}\"";
                return false;
            }

            if (whole > MaxMagnitude / unit)
            {
                error = Invalid(text);
                return false;
            }

            whole *= unit;
            if (fraction > 0)
            {
                whole += (ulong)(fraction * (unit / scale));
                if (whole > MaxMagnitude)
                {
                    error = Invalid(text);
                    return false;
                }
            }

            total += whole;
            if (total > MaxMagnitude)
            {
                error = Invalid(text);
                return false;
            }
        }

        if (negative)
        {
            nanoseconds = total == MaxMagnitude ? long.MinValue : -(long)total;
        }
        else if (total > long.MaxValue)
        {
            error = Invalid(text);
            return false;
        }
        else
        {
            nanoseconds = (long)total;
        }

        error = null;
        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String</c>: <c>720h0m0s</c>, <c>1.5s</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        var nanoseconds = value.Ticks * TimeSpan.NanosecondsPerTick;
        if (value.Ticks is > long.MaxValue / TimeSpan.NanosecondsPerTick or < long.MinValue / TimeSpan.NanosecondsPerTick)
        {
            nanoseconds = value.Ticks < 0 ? long.MinValue : long.MaxValue;
        }

        return FormatNanoseconds(nanoseconds);
    }

    /// <summary>Formats nanoseconds like Go's <c>Duration.String</c>.</summary>
    public static string FormatNanoseconds(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var magnitude = negative ? (ulong)-(nanoseconds + 1) + 1 : (ulong)nanoseconds;
        var builder = new StringBuilder();
        if (negative)
        {
            builder.Append('-');
        }

        if (magnitude < 1_000_000_000)
        {
            // Below one second Go picks the largest sub-second unit and prints a fraction.
            var (unit, suffix) = magnitude switch
            {
                < 1_000 => (1UL, "ns"),
                < 1_000_000 => (1_000UL, "µs"),
                _ => (1_000_000UL, "ms"),
            };
            AppendFraction(builder, magnitude, unit);
            return builder.Append(suffix).ToString();
        }

        var hours = magnitude / 3_600_000_000_000;
        var minutes = magnitude / 60_000_000_000 % 60;
        var rest = magnitude % 60_000_000_000;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            builder.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        AppendFraction(builder, rest, 1_000_000_000);
        return builder.Append('s').ToString();
    }

    private static void AppendFraction(StringBuilder builder, ulong value, ulong unit)
    {
        builder.Append((value / unit).ToString(CultureInfo.InvariantCulture));
        var remainder = value % unit;
        if (remainder == 0)
        {
            return;
        }

        var digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
        var fraction = remainder.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        builder.Append('.').Append(fraction);
    }

    private static bool TryLeadingInt(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (value > (MaxMagnitude - 1) / 10)
            {
                return false;
            }

            value = (value * 10) + (ulong)(s[i] - '0');
            if (value > MaxMagnitude)
            {
                return false;
            }
        }

        s = s[i..];
        return true;
    }

    private static void LeadingFraction(ref ReadOnlySpan<char> s, out ulong value, out double scale)
    {
        value = 0;
        scale = 1;
        var overflow = false;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (overflow)
            {
                continue;
            }

            var next = (value * 10) + (ulong)(s[i] - '0');
            if (value > long.MaxValue / 10 || next > MaxMagnitude)
            {
                overflow = true;
                continue;
            }

            value = next;
            scale *= 10;
        }

        s = s[i..];
    }

    private static ulong UnitNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1,
        "us" or "µs" or "μs" => 1_000, // U+00B5 micro sign and U+03BC Greek mu, as in Go
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => 0,
    };

    private static string Invalid(string? text) => $"time: invalid duration \"{text}\"";
}

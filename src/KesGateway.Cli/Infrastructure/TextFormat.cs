using System.Globalization;

namespace KesGateway.Cli.Infrastructure;

/// <summary>Number and duration formats of kes's human output.</summary>
internal static class TextFormat
{
    private static readonly string[] SizeUnits = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];

    /// <summary>Formats a byte count in decimal units with one decimal, e.g. <c>12.3 MB</c> (aead.dev/mem's 'D' format).</summary>
    public static string Size(ulong bytes)
    {
        if (bytes < 1000)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }

        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < SizeUnits.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + SizeUnits[unit];
    }

    /// <summary>Rounds <paramref name="value"/> to a multiple of <paramref name="unit"/> (half away from zero, as Go's <c>Duration.Round</c>).</summary>
    public static TimeSpan Round(TimeSpan value, TimeSpan unit)
    {
        var ticks = value.Ticks;
        var half = unit.Ticks / 2;
        var remainder = ticks % unit.Ticks;
        var down = ticks - remainder;
        return TimeSpan.FromTicks(remainder >= half ? down + unit.Ticks : down);
    }

    /// <summary>Formats an uptime as kes status does: <c>3 days 4 hours</c>, <c>5 hours</c>, <c>12 minutes</c>, <c>40 seconds</c>.</summary>
    public static string Uptime(TimeSpan uptime)
    {
        if (uptime > TimeSpan.FromHours(24))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(long)uptime.TotalDays} days {uptime.Hours} hours");
        }

        if (uptime > TimeSpan.FromHours(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Round(uptime.TotalHours, MidpointRounding.ToEven)} hours");
        }

        return uptime > TimeSpan.FromMinutes(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(uptime.TotalMinutes, MidpointRounding.ToEven)} minutes")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(uptime.TotalSeconds, MidpointRounding.ToEven)} seconds");
    }
}

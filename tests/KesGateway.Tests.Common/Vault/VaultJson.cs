using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>Vault's JSON conventions: Go time and duration formats, body sniffing, lenient number parsing.</summary>
internal static class VaultJson
{
    /// <summary>Go's RFC 3339 with fractional seconds and trailing zeros trimmed, as Vault writes timestamps.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Go's <c>time.Duration.String()</c> for whole seconds: "0s", "1h0m0s", "21m0s", "1m30s".</summary>
    public static string GoDuration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds == 0)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (seconds < 0)
        {
            builder.Append('-');
            seconds = -seconds;
        }

        var hours = seconds / 3600;
        var minutes = seconds / 60 % 60;
        var rest = seconds % 60;
        if (hours > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{hours}h{minutes}m");
        }
        else if (minutes > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        builder.Append(CultureInfo.InvariantCulture, $"{rest}s");
        return builder.ToString();
    }

    /// <summary>The compact form recent Vaults print in TTL warnings: "1h", "21m", "1h30m", "20s".</summary>
    public static string CompactDuration(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds <= 0)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (seconds / 3600 is var hours and > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (seconds / 60 % 60 is var minutes and > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        if (seconds % 60 is var rest and > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{rest}s");
        }

        return builder.ToString();
    }

    /// <summary>Parses a Vault duration field: a number of seconds (number or numeric string) or a Go duration string.</summary>
    public static bool TryDuration(JsonNode? node, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (node is null)
        {
            return true;
        }

        if (node is JsonValue value && value.TryGetValue<long>(out var number))
        {
            duration = TimeSpan.FromSeconds(number);
            return true;
        }

        return node is JsonValue text && text.TryGetValue<string>(out var s) && TryDuration(s, out duration);
    }

    /// <summary>Parses "300", "300s", "5m", "1h30m", "1.5h".</summary>
    public static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text.Length == 0)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var plain))
        {
            duration = TimeSpan.FromSeconds(plain);
            return true;
        }

        var total = 0.0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            double? unit = text[unitStart..i] switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            total += amount * unit.Value;
        }

        duration = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>Reads an integer given as a JSON number or a numeric string (Vault's weak decoding).</summary>
    public static bool TryInt(JsonNode? node, out long number)
    {
        number = 0;
        if (node is not JsonValue value)
        {
            return false;
        }

        if (value.TryGetValue(out number))
        {
            return true;
        }

        if (value.TryGetValue<double>(out var real) && real == Math.Floor(real))
        {
            number = (long)real;
            return true;
        }

        return value.TryGetValue<string>(out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>Reads a string field, accepting numbers and booleans as their text like Vault's weak decoding.</summary>
    public static string? String(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value => value.ToJsonString(),
        _ => null,
    };

    /// <summary>
    /// Parses a request body the way Vault does: JSON when the first non-blank byte is <c>{</c>, else form-encoded;
    /// empty is an empty object. Content-Type is never looked at. Null means unparsable JSON.
    /// </summary>
    public static JsonObject? ParseBody(string body, out string? error)
    {
        error = null;
        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.IsEmpty)
        {
            return [];
        }

        if (trimmed[0] == '{')
        {
            try
            {
                return JsonNode.Parse(body) as JsonObject ?? [];
            }
            catch (JsonException e)
            {
                error = $"failed to parse JSON input: {e.Message}";
                return null;
            }
        }

        var form = new JsonObject();
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            form[name] = value;
        }

        return form;
    }

    /// <summary>Go's strconv.ParseBool.</summary>
    public static bool TryGoBool(string text, out bool value)
    {
        switch (text)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}

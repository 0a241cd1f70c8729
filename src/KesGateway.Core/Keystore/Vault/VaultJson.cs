using System.Buffers;
using System.Text.Json;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>Small helpers for Vault's JSON: compact request bodies and tolerant reads of answer fields.</summary>
internal static class VaultJson
{
    /// <summary>Writes a compact JSON document with <paramref name="write"/>.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        var bytes = buffer.WrittenSpan.ToArray();

        // The writer's buffer may hold credentials or key values; clear it before it is dropped.
        buffer.Clear();
        return bytes;
    }

    /// <summary>Gets member <paramref name="name"/> of <paramref name="element"/> if it is an object that has it.</summary>
    public static JsonElement? Member(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var member) ? member : null;

    /// <summary>Gets member <paramref name="name"/> as a string, or <see langword="null"/> if it is missing or not a string.</summary>
    public static string? String(JsonElement? element, string name) =>
        Member(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>Gets member <paramref name="name"/> as a whole number of seconds (number or numeric string), or 0.</summary>
    public static long Seconds(JsonElement? element, string name) => Member(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var v) => v,
        { ValueKind: JsonValueKind.Number } n when n.TryGetDouble(out var d) => (long)d,
        { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) => v,
        _ => 0,
    };

    /// <summary>Gets member <paramref name="name"/> as a boolean, or <see langword="null"/> if it is not one.</summary>
    public static bool? Boolean(JsonElement? element, string name) => Member(element, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };
}

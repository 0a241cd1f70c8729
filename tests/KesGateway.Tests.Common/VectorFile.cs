using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace KesGateway.Tests.Common;

/// <summary>
/// Reads the shared KES vector files at test time and turns their entries into theory cases, so vectors added
/// later are picked up. A case key is "#index label"; the index finds the entry, the label makes test names readable.
/// </summary>
public static class VectorFile
{
    private static readonly ConcurrentDictionary<string, JsonElement> Files = new();

    /// <summary>The root element of a vector file, e.g. "decrypt.json".</summary>
    public static JsonElement Load(string fileName) => Files.GetOrAdd(fileName, static name =>
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, name)));
        return document.RootElement.Clone();
    });

    /// <summary>The names of the top-level properties of a vector file.</summary>
    public static IReadOnlyList<string> SectionNames(string fileName)
        => Load(fileName).EnumerateObject().Select(p => p.Name).ToList();

    /// <summary>One case key per entry of an array section; the label is the entry's "id", or what <paramref name="label"/> makes of it.</summary>
    public static IEnumerable<string> CaseKeys(string fileName, string section, Func<JsonElement, string>? label = null)
    {
        var entries = Load(fileName).GetProperty(section);
        if (entries.ValueKind != JsonValueKind.Array || entries.GetArrayLength() == 0)
        {
            throw new InvalidOperationException($"{fileName}: section '{section}' is not a non-empty array.");
        }

        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var text = label?.Invoke(entry) ?? (entry.TryGetProperty("id", out var id) ? id.GetString() : null) ?? string.Empty;
            yield return string.Create(CultureInfo.InvariantCulture, $"#{index} {text}").TrimEnd();
            index++;
        }
    }

    /// <summary>The entry a case key from <see cref="CaseKeys"/> names.</summary>
    public static JsonElement Entry(string fileName, string section, string caseKey)
    {
        var end = caseKey.IndexOf(' ', StringComparison.Ordinal);
        var index = int.Parse(caseKey.AsSpan(1, (end < 0 ? caseKey.Length : end) - 1), CultureInfo.InvariantCulture);
        return Load(fileName).GetProperty(section)[index];
    }

    /// <summary>A required string property (throws if missing), or null when it is JSON null.</summary>
    public static string? Str(this JsonElement entry, string name)
    {
        var value = entry.GetProperty(name);
        return value.ValueKind == JsonValueKind.Null ? null : value.GetString();
    }

    /// <summary>An optional string property: null when missing or JSON null.</summary>
    public static string? OptionalString(this JsonElement entry, string name)
        => entry.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    /// <summary>A required base64 property decoded; JSON null gives an empty array (the vectors' "absent").</summary>
    public static byte[] Base64(this JsonElement entry, string name)
        => entry.Str(name) is { } text ? Convert.FromBase64String(text) : [];

    /// <summary>A required hex property decoded.</summary>
    public static byte[] Hex(this JsonElement entry, string name)
        => Convert.FromHexString(entry.Str(name) ?? throw new InvalidOperationException($"'{name}' is null."));
}

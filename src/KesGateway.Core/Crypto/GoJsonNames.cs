using System.Text.Json;
using System.Text.Unicode;

namespace KesGateway.Core.Crypto;

/// <summary>Property-name matching as Go's <c>encoding/json</c> does it for struct fields.</summary>
internal static class GoJsonNames
{
    /// <summary>Longest property name, in UTF-8 bytes as written (escapes included), that <see cref="TryFold"/> considers.</summary>
    internal const int MaxNameBytes = 64;

    /// <summary>
    /// Unescapes the current property name into <paramref name="buffer"/> folded to lower case; false if it is longer
    /// than <see cref="MaxNameBytes"/> or not valid UTF-16 after unescaping (then it cannot be one of ours: Go turns
    /// such bytes into U+FFFD). Go matches names with Unicode simple case folding, under which besides ASCII only
    /// KELVIN SIGN (U+212A) and LONG S (U+017F) fold onto ASCII letters.
    /// </summary>
    internal static bool TryFold(ref Utf8JsonReader reader, scoped Span<char> buffer, out int length)
    {
        length = 0;
        if (reader.ValueSpan.Length > MaxNameBytes || buffer.Length < MaxNameBytes || !Utf8.IsValid(reader.ValueSpan))
        {
            return false;
        }

        try
        {
            length = reader.CopyString(buffer);
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate.
            return false;
        }

        var name = buffer[..length];
        for (var i = 0; i < name.Length; i++)
        {
            name[i] = name[i] switch
            {
                >= 'A' and <= 'Z' => (char)(name[i] + ('a' - 'A')),
                '\u212A' => 'k',
                '\u017F' => 's',
                _ => name[i],
            };
        }

        return true;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace KesGateway.Core.Crypto;

/// <summary>The names KES uses for key types in stored keys, the import API and <c>/v1/key/describe</c>.</summary>
public static class KeyTypeNames
{
    /// <summary>Parses a key type name as KES does: <c>AES256</c>, <c>AES256-GCM_SHA256</c>, <c>ChaCha20</c> or <c>XCHACHA20-POLY1305</c> (case-sensitive).</summary>
    /// <remarks>The empty name is not accepted here; only a legacy JSON key version treats a missing algorithm as AES256.</remarks>
    public static bool TryParse([NotNullWhen(true)] string? name, out KeyType type) => TryParse(name.AsSpan(), out type);

    /// <summary>Parses a key type name as KES does (case-sensitive).</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out KeyType type)
    {
        switch (name)
        {
            case "AES256" or "AES256-GCM_SHA256":
                type = KeyType.AES256;
                return true;
            case "ChaCha20" or "XCHACHA20-POLY1305":
                type = KeyType.ChaCha20;
                return true;
            default:
                type = default;
                return false;
        }
    }

    /// <summary>Parses a UTF-8 key type name as KES does (case-sensitive); used by the structured ciphertext readers.</summary>
    internal static bool TryParseUtf8(ReadOnlySpan<byte> name, out KeyType type)
    {
        if (name.SequenceEqual("AES256"u8) || name.SequenceEqual("AES256-GCM_SHA256"u8))
        {
            type = KeyType.AES256;
            return true;
        }

        if (name.SequenceEqual("ChaCha20"u8) || name.SequenceEqual("XCHACHA20-POLY1305"u8))
        {
            type = KeyType.ChaCha20;
            return true;
        }

        type = default;
        return false;
    }

    /// <summary>The name <c>/v1/key/describe</c> and the import API's SDK clients use: <c>AES256</c> or <c>ChaCha20</c>.</summary>
    public static string GetDisplayName(KeyType type) => type switch
    {
        KeyType.AES256 => "AES256",
        KeyType.ChaCha20 => "ChaCha20",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown key type."),
    };
}

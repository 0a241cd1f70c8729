using System.Text.Json;
using KesGateway.Core.Crypto;
using KesGateway.Tests.Common;

namespace KesGateway.Tests.Crypto;

/// <summary>Helpers that turn vector entries into keys.</summary>
internal static class CryptoTestData
{
    public static KeyType ParseKeyType(string? name)
        => KeyTypeNames.TryParse(name, out var type) ? type : throw new InvalidOperationException($"Vector has unknown key_type '{name}'.");

    public static SecretKey KeyFrom(JsonElement entry)
        => new(entry.Base64("key_b64"), ParseKeyType(entry.Str("key_type")));

    public static SecretKey LegacyUntypedKey(ReadOnlySpan<byte> key) => new(key, KeyType.AES256, isLegacyUntyped: true);

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KesGateway.Core.Crypto;

/// <summary>
/// The per-message key derivation of KES v0.1-v0.6 ("insecureAESDeriveKey", JSON algorithm <c>AES-256-GCM</c>).
/// KES dropped it in v0.8.0 because it is weak; it exists here only to read old ciphertexts behind an opt-in.
/// </summary>
internal static class LegacyAesKdf
{
    /// <summary>Length of the iv the derivation consumes.</summary>
    internal const int IvSize = 16;

    /// <summary>
    /// Derives a key as long as <paramref name="key"/> (16 or 32 bytes): with E = AES under the key,
    /// t_i = E(LE32(i) ‖ iv[0:12] or iv[4:16]), k = (t0 ⊕ t1) [‖ (t2 ⊕ t3)]. Returns the derived length.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not 16 or 32 bytes, the iv is not 16 bytes, or the destination is too short.</exception>
    internal static int DeriveKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, Span<byte> destination)
    {
        if (key.Length is not (16 or 32))
        {
            throw new ArgumentException("The legacy AES key derivation needs a 16- or 32-byte key.", nameof(key));
        }

        if (iv.Length != IvSize)
        {
            throw new ArgumentException("The legacy AES key derivation needs a 16-byte iv.", nameof(iv));
        }

        if (destination.Length < key.Length)
        {
            throw new ArgumentException("The destination is shorter than the key.", nameof(destination));
        }

        using var aes = Aes.Create();
        aes.SetKey(key);

        // Four blocks: counter i little-endian, then iv[0:12] for even i and iv[4:16] for odd i.
        Span<byte> blocks = stackalloc byte[64];
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var block = blocks.Slice(i * 16, 16);
                BinaryPrimitives.WriteUInt32LittleEndian(block, (uint)i);
                iv.Slice((i & 1) == 0 ? 0 : 4, 12).CopyTo(block[4..]);
            }

            aes.EncryptEcb(blocks, blocks, PaddingMode.None);
            for (var i = 0; i < key.Length; i++)
            {
                // Half h of the output is t(2h) ⊕ t(2h+1).
                var half = i / 16;
                var offset = i % 16;
                destination[i] = (byte)(blocks[(half * 32) + offset] ^ blocks[(half * 32) + 16 + offset]);
            }

            return key.Length;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blocks);
        }
    }
}

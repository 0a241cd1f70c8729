using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace KesGateway.Core.Crypto;

/// <summary>
/// The HChaCha20 sub-key derivation of draft-irtf-cfrg-xchacha §2.2, which the BCL lacks. KES uses it to derive
/// the per-message ChaCha20-Poly1305 key from the secret key and the 16-byte iv.
/// </summary>
internal static class HChaCha20
{
    /// <summary>Length of the key and of the derived sub-key in bytes.</summary>
    internal const int KeySize = 32;

    /// <summary>Length of the input (the iv in KES) in bytes.</summary>
    internal const int NonceSize = 16;

    /// <summary>Derives the 32-byte sub-key HChaCha20(<paramref name="key"/>, <paramref name="nonce"/>) into <paramref name="destination"/>.</summary>
    internal static void DeriveKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, Span<byte> destination)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException("HChaCha20 needs a 32-byte key.", nameof(key));
        }

        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException("HChaCha20 needs a 16-byte nonce.", nameof(nonce));
        }

        if (destination.Length < KeySize)
        {
            throw new ArgumentException("HChaCha20 writes 32 bytes.", nameof(destination));
        }

        // "expand 32-byte k", then the key and the nonce as little-endian words.
        uint x0 = 0x61707865, x1 = 0x3320646e, x2 = 0x79622d32, x3 = 0x6b206574;
        uint x4 = BinaryPrimitives.ReadUInt32LittleEndian(key);
        uint x5 = BinaryPrimitives.ReadUInt32LittleEndian(key[4..]);
        uint x6 = BinaryPrimitives.ReadUInt32LittleEndian(key[8..]);
        uint x7 = BinaryPrimitives.ReadUInt32LittleEndian(key[12..]);
        uint x8 = BinaryPrimitives.ReadUInt32LittleEndian(key[16..]);
        uint x9 = BinaryPrimitives.ReadUInt32LittleEndian(key[20..]);
        uint x10 = BinaryPrimitives.ReadUInt32LittleEndian(key[24..]);
        uint x11 = BinaryPrimitives.ReadUInt32LittleEndian(key[28..]);
        uint x12 = BinaryPrimitives.ReadUInt32LittleEndian(nonce);
        uint x13 = BinaryPrimitives.ReadUInt32LittleEndian(nonce[4..]);
        uint x14 = BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]);
        uint x15 = BinaryPrimitives.ReadUInt32LittleEndian(nonce[12..]);

        for (var i = 0; i < 10; i++)
        {
            // Column round.
            QuarterRound(ref x0, ref x4, ref x8, ref x12);
            QuarterRound(ref x1, ref x5, ref x9, ref x13);
            QuarterRound(ref x2, ref x6, ref x10, ref x14);
            QuarterRound(ref x3, ref x7, ref x11, ref x15);

            // Diagonal round.
            QuarterRound(ref x0, ref x5, ref x10, ref x15);
            QuarterRound(ref x1, ref x6, ref x11, ref x12);
            QuarterRound(ref x2, ref x7, ref x8, ref x13);
            QuarterRound(ref x3, ref x4, ref x9, ref x14);
        }

        // Unlike the ChaCha20 block function there is no final addition of the input state:
        // the output is words 0-3 and 12-15.
        BinaryPrimitives.WriteUInt32LittleEndian(destination, x0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], x1);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], x2);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], x3);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], x12);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], x13);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], x14);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], x15);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void QuarterRound(ref uint a, ref uint b, ref uint c, ref uint d)
    {
        a += b; d = BitOperations.RotateLeft(d ^ a, 16);
        c += d; b = BitOperations.RotateLeft(b ^ c, 12);
        a += b; d = BitOperations.RotateLeft(d ^ a, 8);
        c += d; b = BitOperations.RotateLeft(b ^ c, 7);
    }
}

using System.Security.Cryptography;

namespace KesGateway.Core.Crypto;

/// <summary>The HMAC-SHA-256 key of a key version (KES ≥ 2024-01); <c>/v1/key/hmac</c> computes with it.</summary>
/// <remarks>Independent random material: import does not derive it from the imported key. Thread-safe; Dispose zeroes it.</remarks>
public sealed class HmacKey : IDisposable
{
    /// <summary>Length of the key in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>Length of an HMAC-SHA-256 value in bytes.</summary>
    public const int HashSize = HMACSHA256.HashSizeInBytes;

    // Pinned so the GC never leaves copies of the key behind when it compacts the heap.
    private readonly byte[] _key = GC.AllocateArray<byte>(KeySize, pinned: true);
    private volatile bool _disposed;

    /// <summary>Creates a key from 32 bytes (copied).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes long.</exception>
    public HmacKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An HMAC key must be {KeySize} bytes long.", nameof(key));
        }

        key.CopyTo(_key);
    }

    /// <summary>The key bytes, without a disposed check: for encoding the key version and for tests that check zeroing.</summary>
    internal ReadOnlyMemory<byte> KeyMaterial => _key;

    /// <summary>Generates a fresh random key.</summary>
    public static HmacKey Generate()
    {
        Span<byte> key = stackalloc byte[KeySize];
        RandomNumberGenerator.Fill(key);
        try
        {
            return new HmacKey(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Writes HMAC-SHA-256(key, <paramref name="message"/>) into <paramref name="destination"/> and returns 32.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than 32 bytes.</exception>
    public int Compute(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return HMACSHA256.HashData(_key, message, destination);
    }

    /// <summary>Returns HMAC-SHA-256(key, <paramref name="message"/>).</summary>
    public byte[] Compute(ReadOnlySpan<byte> message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return HMACSHA256.HashData(_key, message);
    }

    /// <summary>Zeroes the key; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
    }
}

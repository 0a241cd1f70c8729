using System.Security.Cryptography;

namespace KesGateway.Core.Crypto;

/// <summary>A data encryption key (DEK): 32 random bytes and the same bytes encrypted under a KES key (76 bytes).</summary>
/// <remarks>Dispose it once the plaintext has been sent, so the plaintext array is zeroed.</remarks>
public sealed class DataKey : IDisposable
{
    /// <summary>Length of the plaintext key.</summary>
    public const int Size = 32;

    /// <summary>Length of the encrypted key: <see cref="Size"/> + <see cref="SecretKey.Overhead"/>.</summary>
    public const int CiphertextSize = Size + SecretKey.Overhead;

    internal DataKey(byte[] plaintext, byte[] ciphertext)
    {
        Plaintext = plaintext;
        Ciphertext = ciphertext;
    }

    /// <summary>The plaintext key (zeroed by <see cref="Dispose"/>).</summary>
    public byte[] Plaintext { get; }

    /// <summary>The encrypted key in the current raw format.</summary>
    public byte[] Ciphertext { get; }

    /// <summary>Zeroes the plaintext key.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(Plaintext);
}

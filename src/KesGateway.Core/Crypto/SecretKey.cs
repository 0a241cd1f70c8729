using System.Security.Cryptography;

namespace KesGateway.Core.Crypto;

/// <summary>
/// A KES secret key: 32 bytes plus a <see cref="KeyType"/>. Encrypts in KES's current raw format
/// (sealed ‖ iv ‖ nonce) and decrypts every format KES ever wrote.
/// </summary>
/// <remarks>
/// Thread-safe for concurrent encrypt and decrypt calls. <see cref="Dispose"/> zeroes the key; the owner must make
/// sure no call is still running (a call racing with Dispose fails authentication rather than leaking anything).
/// </remarks>
public sealed partial class SecretKey : IDisposable
{
    /// <summary>Length of a secret key in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>Bytes a ciphertext adds to its plaintext: 16 tag + 16 iv + 12 nonce.</summary>
    public const int Overhead = MessageAead.TagSize + RandomSize;

    /// <summary>Length of the per-message randomness: iv (16) ‖ nonce (12).</summary>
    internal const int RandomSize = IvSize + MessageAead.NonceSize;

    /// <summary>Length of the iv the per-message key is derived from.</summary>
    internal const int IvSize = 16;

    // Pinned so the GC never leaves copies of the key behind when it compacts the heap.
    private readonly byte[] _key = GC.AllocateArray<byte>(KeySize, pinned: true);
    private volatile bool _disposed;
    private IncrementalHash?[]? _hmacs;

    /// <summary>Creates a key of the given type from 32 bytes (copied).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The type is not a defined <see cref="KeyType"/>.</exception>
    public SecretKey(ReadOnlySpan<byte> key, KeyType type)
        : this(key, type, isLegacyUntyped: false)
    {
    }

    /// <summary>Creates a key; <paramref name="isLegacyUntyped"/> marks a legacy JSON key version without algorithm (always AES256).</summary>
    internal SecretKey(ReadOnlySpan<byte> key, KeyType type, bool isLegacyUntyped)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A secret key must be {KeySize} bytes long.", nameof(key));
        }

        if (type is not (KeyType.AES256 or KeyType.ChaCha20))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown key type.");
        }

        if (isLegacyUntyped && type != KeyType.AES256)
        {
            throw new ArgumentException("A legacy untyped key is an AES256 key.", nameof(isLegacyUntyped));
        }

        key.CopyTo(_key);
        Type = type;
        IsLegacyUntyped = isLegacyUntyped;
    }

    /// <summary>The key type; decides the cipher for encryption and for most decryptions.</summary>
    public KeyType Type { get; }

    /// <summary>
    /// Whether this key came from a legacy JSON key version without <c>algorithm</c> (KES ≤ v0.19.1 and AES256 keys
    /// of 2023-10 to 2024-01). It encrypts as AES256, but structured ciphertexts are opened with the cipher they name,
    /// because the servers of that time picked the cipher per ciphertext.
    /// </summary>
    public bool IsLegacyUntyped { get; }

    /// <summary>The key bytes, without a disposed check: for encoding the key version and for tests that check zeroing.</summary>
    internal ReadOnlyMemory<byte> KeyMaterial => _key;

    private MessageCipher StoredCipher => Type == KeyType.ChaCha20 ? MessageCipher.ChaCha20Poly1305 : MessageCipher.AesGcmHmacSha256;

    /// <summary>Generates a fresh random key of the given type.</summary>
    public static SecretKey Generate(KeyType type)
    {
        Span<byte> key = stackalloc byte[KeySize];
        RandomNumberGenerator.Fill(key);
        try
        {
            return new SecretKey(key, type);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The length of the ciphertext of a plaintext of the given length: <paramref name="plaintextLength"/> + 44.</summary>
    public static int ComputeCiphertextLength(int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        return checked(plaintextLength + Overhead);
    }

    /// <summary>A destination length that is always enough to decrypt a ciphertext of the given length, in any format.</summary>
    public static int GetMaxPlaintextLength(int ciphertextLength) => Math.Max(0, ciphertextLength - Overhead);

    /// <summary>Encrypts into <paramref name="destination"/> and returns the bytes written (<see cref="ComputeCiphertextLength"/>).</summary>
    /// <param name="plaintext">The plaintext.</param>
    /// <param name="associatedData">The context: authenticated, not encrypted, and needed again to decrypt. Empty and absent are the same.</param>
    /// <param name="destination">Receives sealed ‖ iv ‖ nonce; must not overlap the plaintext.</param>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public int Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        Span<byte> random = stackalloc byte[RandomSize];
        RandomNumberGenerator.Fill(random);
        return Encrypt(plaintext, associatedData, random, destination);
    }

    /// <summary>Encrypts and returns a new array holding sealed ‖ iv ‖ nonce.</summary>
    /// <param name="plaintext">The plaintext.</param>
    /// <param name="associatedData">The context: authenticated, not encrypted, and needed again to decrypt.</param>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var ciphertext = new byte[ComputeCiphertextLength(plaintext.Length)];
        Encrypt(plaintext, associatedData, ciphertext);
        return ciphertext;
    }

    /// <summary>Encrypts with caller-supplied iv ‖ nonce (28 bytes): fresh randomness from a caller that draws it together with
    /// other random bytes, or fixed bytes for deterministic test vectors.</summary>
    internal int Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> random, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (random.Length != RandomSize)
        {
            throw new ArgumentException($"The per-message randomness is {RandomSize} bytes.", nameof(random));
        }

        var length = ComputeCiphertextLength(plaintext.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is shorter than the ciphertext.", nameof(destination));
        }

        var sealedLength = plaintext.Length + MessageAead.TagSize;
        var iv = random[..IvSize];
        var nonce = random[IvSize..];
        Span<byte> messageKey = stackalloc byte[MessageAead.KeySize];
        try
        {
            DeriveMessageKey(StoredCipher, iv, messageKey);
            MessageAead.Seal(Type == KeyType.ChaCha20, messageKey, nonce, plaintext, associatedData, destination[..sealedLength]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }

        random.CopyTo(destination[sealedLength..]);
        return length;
    }

    /// <summary>Generates a data encryption key: 32 random bytes into <paramref name="plaintext"/> and their encryption (76 bytes) into <paramref name="ciphertext"/>.</summary>
    /// <param name="associatedData">The context bound to the encrypted key.</param>
    /// <param name="plaintext">Receives the 32-byte key.</param>
    /// <param name="ciphertext">Receives the 76-byte encrypted key.</param>
    /// <exception cref="ArgumentException">A destination is too short.</exception>
    public void GenerateDataKey(ReadOnlySpan<byte> associatedData, Span<byte> plaintext, Span<byte> ciphertext)
    {
        if (plaintext.Length < DataKey.Size)
        {
            throw new ArgumentException("The plaintext destination is shorter than a data key.", nameof(plaintext));
        }

        plaintext = plaintext[..DataKey.Size];

        // One call to the generator for the key and the message's iv and nonce: each call costs far more than its bytes.
        Span<byte> random = stackalloc byte[DataKey.Size + RandomSize];
        RandomNumberGenerator.Fill(random);
        try
        {
            random[..DataKey.Size].CopyTo(plaintext);
            Encrypt(plaintext, associatedData, random[DataKey.Size..], ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }

    /// <summary>Generates a data encryption key: 32 random bytes and their encryption under this key.</summary>
    /// <param name="associatedData">The context bound to the encrypted key.</param>
    public DataKey GenerateDataKey(ReadOnlySpan<byte> associatedData)
    {
        var plaintext = new byte[DataKey.Size];
        var ciphertext = new byte[DataKey.CiphertextSize];
        GenerateDataKey(associatedData, plaintext, ciphertext);
        return new DataKey(plaintext, ciphertext);
    }

    /// <summary>Zeroes the key; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_key);
        if (_hmacs is { } hmacs)
        {
            for (var i = 0; i < hmacs.Length; i++)
            {
                Interlocked.Exchange(ref hmacs[i], null)?.Dispose();
            }
        }
    }

    /// <summary>HMAC-SHA256 of <paramref name="iv"/> under this key, from a keyed context kept for reuse.</summary>
    /// <remarks>
    /// The one-shot <see cref="HMACSHA256.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/> makes OpenSSL
    /// look up the algorithm and key a new context on every call, which costs more than the hash; a keyed context resets
    /// to its keyed state for free. A context serves one caller at a time: each thread takes its slot's context (or
    /// makes one) and puts it back. Only keys on the hot path get contexts, at most a few per key.
    /// </remarks>
    private void HmacOverIv(ReadOnlySpan<byte> iv, Span<byte> destination)
    {
        var hmacs = _hmacs ?? InitializeHmacSlots();
        ref var slot = ref hmacs[(uint)Environment.CurrentManagedThreadId % (uint)hmacs.Length];
        var hmac = Interlocked.Exchange(ref slot, null) ?? IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        try
        {
            hmac.AppendData(iv);
            hmac.GetHashAndReset(destination);
        }
        catch
        {
            hmac.Dispose();
            throw;
        }

        if (Interlocked.CompareExchange(ref slot, hmac, null) is not null)
        {
            hmac.Dispose();
        }
        else if (_disposed)
        {
            // Dispose ran while the context was out: it must not outlive the key.
            Interlocked.Exchange(ref slot, null)?.Dispose();
        }
    }

    private IncrementalHash?[] InitializeHmacSlots()
    {
        Interlocked.CompareExchange(ref _hmacs, new IncrementalHash?[Math.Clamp(Environment.ProcessorCount, 1, 8)], null);
        return _hmacs!;
    }

    private void DeriveMessageKey(MessageCipher cipher, ReadOnlySpan<byte> iv, Span<byte> messageKey)
    {
        switch (cipher)
        {
            case MessageCipher.AesGcmHmacSha256:
                // KES: HMAC keyed with the secret key, over the iv.
                HmacOverIv(iv, messageKey);
                break;
            case MessageCipher.ChaCha20Poly1305:
                HChaCha20.DeriveKey(_key, iv, messageKey);
                break;
            case MessageCipher.AesGcmLegacyKdf:
                LegacyAesKdf.DeriveKey(_key, iv, messageKey);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(cipher), cipher, "Unknown cipher.");
        }
    }
}

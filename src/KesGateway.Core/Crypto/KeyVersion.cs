using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

using KesGateway.Core.Protocol;

namespace KesGateway.Core.Crypto;

/// <summary>
/// A stored KES key ("key version"): secret key, HMAC key and creation metadata. Reads the protobuf form
/// (KES ≥ 2024-01: base64 of protobuf) and the legacy JSON form; writes only the protobuf form, byte-for-byte as KES.
/// </summary>
/// <remarks>Owns its keys: <see cref="Dispose"/> zeroes both.</remarks>
public sealed class KeyVersion : IDisposable
{
    // Stored values are ~150 bytes; larger ones (long created_by) go to the pool.
    private const int StackLimit = 512;

    private volatile bool _disposed;

    /// <summary>Creates a key version; it takes ownership of the keys.</summary>
    /// <param name="key">The secret key.</param>
    /// <param name="hmacKey">The HMAC key, or null for a legacy key without one (such a key version cannot be encoded).</param>
    /// <param name="createdAt">The creation time (kept in UTC, 100 ns precision), or null for none.</param>
    /// <param name="createdBy">The identity that created the key; null is the same as empty.</param>
    public KeyVersion(SecretKey key, HmacKey? hmacKey, DateTimeOffset? createdAt, string? createdBy)
        : this(key, hmacKey, createdAt?.ToUniversalTime(), createdAt is { } value ? (int)(value.UtcTicks % TimeSpan.TicksPerSecond) * 100 : 0, createdBy)
    {
    }

    /// <summary>Creates a key version with an exact nanosecond-of-second (stored times can be finer than 100 ns).</summary>
    internal KeyVersion(SecretKey key, HmacKey? hmacKey, DateTimeOffset? createdAtUtc, int createdAtNanosecond, string? createdBy)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(createdAtNanosecond);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(createdAtNanosecond, 999_999_999);
        Key = key;
        HmacKey = hmacKey;

        // Go's zero time (0001-01-01T00:00:00Z) means "not recorded"; it is null here.
        if (createdAtUtc is { } utc && (utc.UtcTicks != 0 || createdAtNanosecond != 0))
        {
            if (utc.UtcTicks % TimeSpan.TicksPerSecond != createdAtNanosecond / 100)
            {
                throw new ArgumentException("The nanosecond does not match the creation time.", nameof(createdAtNanosecond));
            }

            CreatedAt = utc.ToUniversalTime();
            CreatedAtNanosecond = createdAtNanosecond;
        }

        CreatedBy = createdBy ?? string.Empty;
    }

    /// <summary>The secret key used for encrypt, decrypt and DEK generation.</summary>
    public SecretKey Key { get; }

    /// <summary>The HMAC key; null for legacy JSON key versions, for which <c>/v1/key/hmac</c> answers 409.</summary>
    public HmacKey? HmacKey { get; }

    /// <summary>
    /// The creation time in UTC; null when none is recorded (legacy keys), which <c>/v1/key/describe</c> shows as
    /// Go's zero time <c>0001-01-01T00:00:00Z</c>.
    /// </summary>
    public DateTimeOffset? CreatedAt { get; }

    /// <summary>
    /// The exact sub-second part of <see cref="CreatedAt"/> in nanoseconds (0-999 999 999). DateTimeOffset keeps only
    /// 100 ns ticks; Go stores and prints (RFC 3339, up to nine digits) full nanoseconds.
    /// </summary>
    public int CreatedAtNanosecond { get; }

    /// <summary>The identity that created the key; empty when unknown.</summary>
    public string CreatedBy { get; }

    /// <summary>Parses a stored value: valid JSON is the legacy form, anything else base64 of the protobuf form.</summary>
    /// <exception cref="KeyVersionFormatException">The value is not a valid key version.</exception>
    public static KeyVersion Parse(ReadOnlySpan<byte> stored)
        => ParseCore(stored, out var error) ?? throw new KeyVersionFormatException("invalid key version: " + error);

    /// <summary>Parses a stored value given as a string.</summary>
    /// <exception cref="KeyVersionFormatException">The value is not a valid key version.</exception>
    public static KeyVersion Parse(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return WithUtf8(stored, static utf8 => Parse(utf8))!;
    }

    /// <summary>Parses a stored value; false if it is not a valid key version.</summary>
    public static bool TryParse(ReadOnlySpan<byte> stored, [NotNullWhen(true)] out KeyVersion? keyVersion)
    {
        keyVersion = ParseCore(stored, out _);
        return keyVersion is not null;
    }

    /// <summary>Parses a stored value given as a string; false if it is not a valid key version.</summary>
    public static bool TryParse(string? stored, [NotNullWhen(true)] out KeyVersion? keyVersion)
    {
        keyVersion = stored is null ? null : WithUtf8(stored, static utf8 => ParseCore(utf8, out _));
        return keyVersion is not null;
    }

    /// <summary>Generates a new key version: random secret and HMAC keys, created now by <paramref name="createdBy"/>.</summary>
    public static KeyVersion Generate(KeyType type, string createdBy, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var key = SecretKey.Generate(type);
        return new KeyVersion(key, HmacKey.Generate(), timeProvider.GetUtcNow(), createdBy);
    }

    /// <summary>Creates a key version from imported key bytes (32, copied) with a fresh, independent random HMAC key.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes long.</exception>
    public static KeyVersion Import(ReadOnlySpan<byte> key, KeyType type, string createdBy, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var secretKey = new SecretKey(key, type);
        return new KeyVersion(secretKey, HmacKey.Generate(), timeProvider.GetUtcNow(), createdBy);
    }

    /// <summary>Encodes the stored value: base64 (standard, padded) of the canonical protobuf, as KES writes it.</summary>
    /// <exception cref="InvalidOperationException">The key version has no HMAC key (KES: "crypto: HMAC key is not initialized").</exception>
    public string Encode()
    {
        var utf8 = EncodeToUtf8();
        try
        {
            return Encoding.ASCII.GetString(utf8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>Encodes the stored value as ASCII bytes (what a key store receives).</summary>
    /// <exception cref="InvalidOperationException">The key version has no HMAC key.</exception>
    public byte[] EncodeToUtf8()
    {
        if (HmacKey is null)
        {
            throw new InvalidOperationException("crypto: HMAC key is not initialized");
        }

        var (seconds, nanos) = KeyVersionProtobuf.ToGoTime(CreatedAt, CreatedAtNanosecond);
        var createdBy = Encoding.UTF8.GetBytes(CreatedBy);
        var length = KeyVersionProtobuf.GetEncodedLength(seconds, nanos, createdBy.Length);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        buffer = buffer[..length];
        try
        {
            // KeyMaterial skips the disposed check, so check here: a disposed key would encode as zeros.
            ObjectDisposedException.ThrowIf(_disposed, this);
            KeyVersionProtobuf.Write(buffer, Key.KeyMaterial.Span, Key.Type, HmacKey.KeyMaterial.Span, seconds, nanos, createdBy);
            var encoded = new byte[Base64.GetMaxEncodedToUtf8Length(length)];
            Base64.EncodeToUtf8(buffer, encoded, out _, out _);
            return encoded;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Zeroes the secret and HMAC keys.</summary>
    public void Dispose()
    {
        _disposed = true;
        Key.Dispose();
        HmacKey?.Dispose();
    }

    private static KeyVersion? ParseCore(ReadOnlySpan<byte> stored, out string? error)
    {
        if (LegacyKeyVersionJson.IsValidJson(stored))
        {
            return LegacyKeyVersionJson.TryRead(stored, out error);
        }

        if (!GoBase64.TryGetDecodedLength(stored, out var length))
        {
            error = "neither JSON nor base64";
            return null;
        }

        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            if (!GoBase64.TryDecode(stored, buffer, out length))
            {
                error = "neither JSON nor base64";
                return null;
            }

            return KeyVersionProtobuf.TryRead(buffer[..length], out error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Converts a stored string to UTF-8 in a buffer that is zeroed afterwards (the value holds the key in base64).
    private static KeyVersion? WithUtf8(string stored, Func<ReadOnlySpan<byte>, KeyVersion?> parse)
    {
        var length = Encoding.UTF8.GetByteCount(stored);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(stored, rented);
            return parse(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }
}

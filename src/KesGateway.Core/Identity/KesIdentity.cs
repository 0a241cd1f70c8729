using System.Diagnostics;
using System.Security.Cryptography;

namespace KesGateway.Core.Identity;

/// <summary>
/// A KES identity: the lowercase hex SHA-256 of a public key's SubjectPublicKeyInfo DER.
/// Comparisons are ordinal and case-sensitive, as in KES, so uppercase hex never matches.
/// </summary>
[DebuggerDisplay("{Value,nq}")]
public readonly struct KesIdentity : IEquatable<KesIdentity>
{
    /// <summary>The number of characters in a valid identity (hex of a 32-byte hash).</summary>
    public const int Length = 64;

    private readonly string? _value;

    /// <summary>Wraps <paramref name="value"/> as is; configs may hold non-hex values such as <c>disabled</c>.</summary>
    public KesIdentity(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    /// <summary>Gets the identity that no client can have (the empty string).</summary>
    public static KesIdentity Unknown => default;

    /// <summary>Gets the identity text; empty for <see cref="Unknown"/>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Gets a value indicating whether this is the empty identity.</summary>
    public bool IsUnknown => Value.Length == 0;

    /// <summary>Gets a value indicating whether the value is 64 lowercase hex characters, the only form KES computes.</summary>
    public bool IsValid => IsValidHex(Value);

    /// <summary>Reports whether <paramref name="value"/> is 64 lowercase hex characters.</summary>
    public static bool IsValidHex(ReadOnlySpan<char> value)
    {
        if (value.Length != Length)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Creates the identity for a SHA-256 hash.</summary>
    public static KesIdentity FromSha256(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("A SHA-256 hash is 32 bytes.", nameof(hash));
        }

        return new KesIdentity(Convert.ToHexStringLower(hash));
    }

    /// <summary>Computes the identity of a DER-encoded SubjectPublicKeyInfo, hashed exactly as given.</summary>
    public static KesIdentity FromSubjectPublicKeyInfo(ReadOnlySpan<byte> subjectPublicKeyInfoDer)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(subjectPublicKeyInfoDer, hash);
        return FromSha256(hash);
    }

    /// <inheritdoc/>
    public bool Equals(KesIdentity other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is KesIdentity other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns the identity text.</summary>
    public override string ToString() => Value;

    /// <summary>Compares two identities ordinally.</summary>
    public static bool operator ==(KesIdentity left, KesIdentity right) => left.Equals(right);

    /// <summary>Compares two identities ordinally.</summary>
    public static bool operator !=(KesIdentity left, KesIdentity right) => !left.Equals(right);
}

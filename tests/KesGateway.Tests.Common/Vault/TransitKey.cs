using System.Security.Cryptography;

namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// A named transit key: one random AES-256 key per version. Ciphertexts are <c>vault:v&lt;N&gt;:base64(nonce‖ciphertext‖tag)</c>
/// with AES-GCM, so tampering and the wrong key are detected as Vault would (fake crypto, Vault's envelope format).
/// </summary>
internal sealed class TransitKey
{
    private readonly List<byte[]> _versions = [];

    public TransitKey(string name, bool derived, DateTimeOffset now)
    {
        Name = name;
        Derived = derived;
        Rotate(now);
    }

    public string Name { get; }

    public bool Derived { get; }

    public int LatestVersion => _versions.Count;

    public int MinDecryptionVersion { get; set; } = 1;

    public Dictionary<int, DateTimeOffset> Created { get; } = [];

    public void Rotate(DateTimeOffset now)
    {
        _versions.Add(RandomNumberGenerator.GetBytes(32));
        Created[_versions.Count] = now;
    }

    public string Encrypt(byte[] plaintext, byte[]? context)
    {
        var version = LatestVersion;
        var nonce = RandomNumberGenerator.GetBytes(12);
        var output = new byte[12 + plaintext.Length + 16];
        nonce.CopyTo(output, 0);
        using var aes = new AesGcm(KeyFor(version, context), 16);
        aes.Encrypt(nonce, plaintext, output.AsSpan(12, plaintext.Length), output.AsSpan(12 + plaintext.Length));
        return $"vault:v{version}:{Convert.ToBase64String(output)}";
    }

    /// <summary>Decrypts a <c>vault:v&lt;N&gt;:</c> ciphertext; the error texts follow Vault's.</summary>
    public byte[]? Decrypt(string ciphertext, byte[]? context, out string? error)
    {
        error = null;
        if (!ciphertext.StartsWith("vault:v", StringComparison.Ordinal))
        {
            error = "invalid ciphertext: no prefix";
            return null;
        }

        var parts = ciphertext["vault:v".Length..].Split(':', 2);
        if (parts.Length != 2)
        {
            error = "invalid ciphertext: wrong number of fields";
            return null;
        }

        if (!int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            error = "invalid ciphertext: version number could not be decoded";
            return null;
        }

        if (version < MinDecryptionVersion || version < 1)
        {
            error = "ciphertext or signature version is disallowed by policy (too old)";
            return null;
        }

        if (version > LatestVersion)
        {
            error = "invalid ciphertext: version is too new";
            return null;
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            error = "invalid ciphertext: could not decode base64";
            return null;
        }

        if (blob.Length < 12 + 16)
        {
            error = "invalid ciphertext: unable to decrypt";
            return null;
        }

        var plaintext = new byte[blob.Length - 28];
        try
        {
            using var aes = new AesGcm(KeyFor(version, context), 16);
            aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plaintext.Length), blob.AsSpan(12 + plaintext.Length), plaintext);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            error = "cipher: message authentication failed";
            return null;
        }
    }

    private byte[] KeyFor(int version, byte[]? context) =>
        Derived ? HMACSHA256.HashData(_versions[version - 1], context ?? []) : _versions[version - 1];
}

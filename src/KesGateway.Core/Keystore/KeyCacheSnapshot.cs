using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace KesGateway.Core.Keystore;

/// <summary>The sealed warm-start snapshot of the key cache: seal/open and atomic file I/O.</summary>
/// <remarks>
/// <para>Layout: a 28-byte header (<c>KGWSNAP</c>, format version 1, taken-at as big-endian Unix milliseconds, a random
/// 12-byte nonce), then AES-256-GCM ciphertext of the payload with the header as associated data, then the 16-byte
/// tag. Payload: entry count (u32), then per entry the name (u16 length + UTF-8), loaded-at (i64 Unix ms) and the
/// stored value (u32 length + bytes). All integers are big-endian.</para>
/// <para>A file is either fully authenticated and parsed or refused as a whole; key material is never written in
/// the clear, and plaintext buffers are zeroed after use.</para>
/// </remarks>
public static class KeyCacheSnapshot
{
    /// <summary>The snapshot key size: AES-256.</summary>
    public const int KeySize = 32;

    /// <summary>The format version this code writes and reads.</summary>
    public const byte FormatVersion = 1;

    /// <summary>The largest snapshot file read, so a wrong path cannot make the server read a huge file into memory.</summary>
    public const int MaxFileSize = 64 * 1024 * 1024;

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 8 + 8 + NonceSize;
    private static readonly byte[] Magic = "KGWSNAP"u8.ToArray();

    /// <summary>Encrypts <paramref name="entries"/> into a snapshot.</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not 32 bytes or a name is too long.</exception>
    public static byte[] Seal(IReadOnlyCollection<KeyCacheSnapshotEntry> entries, DateTimeOffset takenAt, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(entries);
        CheckKey(key);
        var size = 4;
        foreach (var entry in entries)
        {
            var nameLength = Encoding.UTF8.GetByteCount(entry.Name);
            if (nameLength > ushort.MaxValue)
            {
                throw new ArgumentException("a key name is too long for a snapshot", nameof(entries));
            }

            size = checked(size + 2 + nameLength + 8 + 4 + entry.StoredValue.Length);
        }

        var payload = new byte[size];
        try
        {
            var span = payload.AsSpan();
            BinaryPrimitives.WriteUInt32BigEndian(span, (uint)entries.Count);
            var at = 4;
            foreach (var entry in entries)
            {
                var nameLength = Encoding.UTF8.GetBytes(entry.Name, span[(at + 2)..]);
                BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)nameLength);
                at += 2 + nameLength;
                BinaryPrimitives.WriteInt64BigEndian(span[at..], entry.LoadedAt.ToUnixTimeMilliseconds());
                at += 8;
                BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)entry.StoredValue.Length);
                at += 4;
                entry.StoredValue.CopyTo(span[at..]);
                at += entry.StoredValue.Length;
            }

            var output = new byte[HeaderSize + size + TagSize];
            var header = output.AsSpan(0, HeaderSize);
            Magic.CopyTo(header);
            header[7] = FormatVersion;
            BinaryPrimitives.WriteInt64BigEndian(header[8..], takenAt.ToUnixTimeMilliseconds());
            RandomNumberGenerator.Fill(header[16..]);
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(header[16..], payload, output.AsSpan(HeaderSize, size), output.AsSpan(HeaderSize + size), header);
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>Authenticates and decrypts a snapshot.</summary>
    /// <exception cref="KeyCacheSnapshotException">The data is not a snapshot, is of an unknown version, or does not authenticate (wrong key or modified).</exception>
    public static KeyCacheSnapshotContent Open(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        if (data.Length < HeaderSize + 4 + TagSize || !data[..7].SequenceEqual(Magic))
        {
            throw new KeyCacheSnapshotException("not a KesGateway key cache snapshot");
        }

        if (data[7] != FormatVersion)
        {
            throw new KeyCacheSnapshotException($"snapshot format version {data[7]} is not supported (this version reads {FormatVersion})");
        }

        var header = data[..HeaderSize];
        var ciphertext = data[HeaderSize..^TagSize];
        var payload = new byte[ciphertext.Length];
        try
        {
            using (var aes = new AesGcm(key, TagSize))
            {
                try
                {
                    aes.Decrypt(header[16..], ciphertext, data[^TagSize..], payload, header);
                }
                catch (AuthenticationTagMismatchException ex)
                {
                    throw new KeyCacheSnapshotException("the snapshot does not authenticate: it was sealed with another key or has been modified", ex);
                }
            }

            var takenAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(header[8..]));
            return new KeyCacheSnapshotContent(takenAt, Parse(payload));
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new KeyCacheSnapshotException("the snapshot holds an invalid time", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>Reads and opens the snapshot at <paramref name="path"/>.</summary>
    /// <returns>The content, or null if there is no file.</returns>
    /// <exception cref="KeyCacheSnapshotException">The file cannot be read or opened.</exception>
    public static KeyCacheSnapshotContent? Read(string path, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] data;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (file.Length > MaxFileSize)
            {
                throw new KeyCacheSnapshotException($"{path}: the snapshot is larger than {MaxFileSize} bytes");
            }

            data = new byte[file.Length];
            file.ReadExactly(data);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyCacheSnapshotException($"{path}: cannot read the snapshot: {ex.Message}", ex);
        }

        try
        {
            return Open(data, key);
        }
        catch (KeyCacheSnapshotException ex)
        {
            throw new KeyCacheSnapshotException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Seals <paramref name="entries"/> and replaces the file at <paramref name="path"/> atomically: a temporary file
    /// in the same directory (mode 0600), flushed to disk, then renamed over the old one.
    /// </summary>
    /// <exception cref="KeyCacheSnapshotException">The file cannot be written; the old file, if any, is left as it was.</exception>
    public static void Write(string path, IReadOnlyCollection<KeyCacheSnapshotEntry> entries, DateTimeOffset takenAt, ReadOnlySpan<byte> key)
    {
        ArgumentNullException.ThrowIfNull(path);
        var data = Seal(entries, takenAt, key);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)) + ".tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new FileStream(temp, options))
            {
                file.Write(data);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new KeyCacheSnapshotException($"{path}: cannot write the snapshot: {ex.Message}", ex);
        }
    }

    private static List<KeyCacheSnapshotEntry> Parse(ReadOnlySpan<byte> payload)
    {
        var entries = new List<KeyCacheSnapshotEntry>();
        try
        {
            var count = BinaryPrimitives.ReadUInt32BigEndian(payload);
            var at = 4;
            for (var i = 0u; i < count; i++)
            {
                var nameLength = BinaryPrimitives.ReadUInt16BigEndian(Take(payload, at, 2));
                var name = Encoding.UTF8.GetString(Take(payload, at + 2, nameLength));
                at += 2 + nameLength;
                var loadedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(Take(payload, at, 8)));
                var valueLength = BinaryPrimitives.ReadUInt32BigEndian(Take(payload, at + 8, 4));
                at += 12;
                if (valueLength > (uint)(payload.Length - at))
                {
                    throw new KeyCacheSnapshotException("the snapshot payload is truncated");
                }

                entries.Add(new KeyCacheSnapshotEntry(name, Take(payload, at, (int)valueLength).ToArray(), loadedAt));
                at += (int)valueLength;
            }

            if (at != payload.Length)
            {
                throw new KeyCacheSnapshotException("the snapshot payload has trailing bytes");
            }

            return entries;
        }
        catch
        {
            foreach (var entry in entries)
            {
                entry.Dispose();
            }

            throw;
        }
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> payload, int at, int length) =>
        length <= payload.Length - at
            ? payload.Slice(at, length)
            : throw new KeyCacheSnapshotException("the snapshot payload is truncated");

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"a snapshot key is {KeySize} bytes", nameof(key));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary name is random and dot-prefixed, never read as a snapshot.
        }
    }
}

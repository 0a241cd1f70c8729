using System.Security.Cryptography;

namespace KesGateway.Core.Keystore.Filesystem;

/// <summary>One file per key in a directory, readable and writable by KES's <c>fs</c> keystore (kes-compat §7.2).</summary>
/// <remarks>
/// KES writes the final file in place, so a crash mid-write leaves a truncated key behind. We write a hidden temporary
/// file, flush it to disk and then move it into place without overwriting, so a key is either whole or absent; the
/// temporary name contains a dot, which no key name may, so neither we nor KES can mistake it for a key.
/// </remarks>
public sealed class FileKeyStore : IKeyStore
{
    /// <summary>The largest stored value read, as KES caps it (1 MiB).</summary>
    public const int MaxValueSize = 1 << 20;

    private const UnixFileMode KeyFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly string _directory;

    /// <summary>Opens the keystore in <paramref name="directory"/>, creating the directory if it is missing.</summary>
    /// <exception cref="KeyStoreException">The path exists but is not a directory, or cannot be created.</exception>
    public FileKeyStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        if (File.Exists(_directory))
        {
            throw new KeyStoreException($"fs: '{directory}' is not a directory");
        }

        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(_directory);
            }
            else
            {
                Directory.CreateDirectory(_directory, DirectoryMode);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyStoreException($"fs: cannot create directory '{directory}': {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public string Description => "Filesystem: " + _directory;

    /// <inheritdoc/>
    public async ValueTask<bool> CreateAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (File.Exists(path))
        {
            return false;
        }

        var temporary = Path.Combine(_directory, $".{name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = KeyFileMode;
            }

            await using (var file = new FileStream(temporary, options))
            {
                await file.WriteAsync(value, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyStoreException($"fs: cannot create key '{name}': {ex.Message}", ex);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
            if (file.Length > MaxValueSize)
            {
                throw new KeyStoreException($"fs: key '{name}' is larger than {MaxValueSize} bytes");
            }

            var value = new byte[file.Length];
            await file.ReadExactlyAsync(value, cancellationToken).ConfigureAwait(false);
            return value;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyStoreException($"fs: cannot read key '{name}': {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        try
        {
            if (!File.Exists(path))
            {
                return ValueTask.FromResult(false);
            }

            File.Delete(path);
            return ValueTask.FromResult(true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyStoreException($"fs: cannot delete key '{name}': {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<string> names = [.. Directory.EnumerateFiles(_directory)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(n => IsStorableName(n) && n.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)];
            return ValueTask.FromResult(names);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KeyStoreException($"fs: cannot list keys: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public ValueTask StatusAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_directory))
        {
            throw new KeyStoreUnreachableException($"fs: directory '{_directory}' does not exist");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool IsStorableName(string name) =>
        name.Length > 0 && name.IndexOfAny(['/', '\\', '.']) < 0;

    private string PathOf(string name)
    {
        if (!IsStorableName(name))
        {
            throw new KeyStoreException($"fs: key name '{name}' contains an invalid character");
        }

        return Path.Combine(_directory, name);
    }
}

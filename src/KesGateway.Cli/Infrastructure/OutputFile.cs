namespace KesGateway.Cli.Infrastructure;

/// <summary>Writes output files so that a file either appears complete, with its final permissions, or not at all.</summary>
internal static class OutputFile
{
    /// <summary>Unix mode for private keys: owner read/write only.</summary>
    public const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Unix mode for public files such as certificates.</summary>
    public const UnixFileMode PublicMode = PrivateMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Writes <paramref name="content"/> to a temporary file created with <paramref name="mode"/> beside
    /// <paramref name="path"/> and renames it into place. Writing in place would keep the old file's mode when
    /// overwriting, and could leave a half-written key behind.
    /// </summary>
    /// <exception cref="CliException">The file exists and <paramref name="overwrite"/> is false.</exception>
    public static async Task WriteAsync(
        string path,
        string what,
        string content,
        UnixFileMode mode,
        bool overwrite,
        CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(directory))
        {
            throw new CliException($"cannot write {what} '{path}': directory '{directory}' does not exist");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await using var writer = new StreamWriter(stream);
                await writer.WriteAsync(content.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, fullPath, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(fullPath))
        {
            throw AlreadyExists(what, path);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The error for an output file that exists without <c>--force</c>.</summary>
    public static CliException AlreadyExists(string what, string path) =>
        new($"{what} '{path}' already exists. Use -f/--force to overwrite it");
}

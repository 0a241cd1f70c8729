namespace KesGateway.Server.Configuration;

/// <summary>What one load of a config file shares: its name, the environment, its directory, and the warnings found.</summary>
internal sealed class ConfigSource
{
    private readonly List<string> _warnings = [];

    /// <summary>Creates the state of one load.</summary>
    public ConfigSource(string name, Func<string, string?> environment, string? baseDirectory)
    {
        Name = name;
        Environment = environment;
        BaseDirectory = baseDirectory;
    }

    /// <summary>Gets the file name used in messages.</summary>
    public string Name { get; }

    /// <summary>Gets the lookup for <c>${VAR}</c> references.</summary>
    public Func<string, string?> Environment { get; }

    /// <summary>Gets the directory relative paths are resolved against, or <see langword="null"/> to keep them as written.</summary>
    public string? BaseDirectory { get; }

    /// <summary>Gets the warnings found so far, formatted like errors.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Creates the exception for a problem in <paramref name="field"/>: <paramref name="what"/> is wrong, <paramref name="fix"/> says how to fix it.</summary>
    public ConfigException Error(string field, int line, string what, string fix, Exception? innerException = null) =>
        new(Name, field, line, $"{what}. {fix}", innerException);

    /// <summary>Records a notice that does not stop the load.</summary>
    public void Warn(string field, int line, string text) => _warnings.Add(ConfigException.Format(Name, field, line, text));

    /// <summary>Resolves a path written in the file against the file's directory; absolute paths stay as written.</summary>
    /// <remarks>KES resolved relative paths against the process's working directory; the file's directory gives the same
    /// result for the usual <c>kes server --config config.yml</c> run from that directory and does not depend on where a
    /// service manager starts the process.</remarks>
    public string ResolvePath(string path) =>
        BaseDirectory is null || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));
}

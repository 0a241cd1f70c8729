using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KesGateway.Server.Configuration;

/// <summary>Loads a KES <c>config.yml</c> (kes-compat §9) with KES's rules and messages that say where and how to fix a problem.</summary>
/// <remarks>
/// Unknown keys are ignored, as in KES. A whole value <c>${VAR}</c> is replaced by the environment variable (except in
/// <c>version</c>, policy patterns and <c>api</c> paths). Relative paths (<c>tls.*</c>, <c>keystore.fs.path</c>, Vault's
/// TLS files and token file) are resolved against the config file's directory, where KES used the working directory.
/// The pre-v0.18 top-level <c>root:</c> is accepted as the admin identity with a warning.
/// The gateway's own sections (<c>upstream</c>, <c>native</c>, <c>gateway</c>, <c>upstreams</c>, <c>tenants</c>) are read
/// too; a file without them is a plain KES config, and its top level is the default tenant.
/// </remarks>
public static class KesConfigLoader
{
    /// <summary>Reads and validates a config file.</summary>
    /// <param name="path">The file; its directory anchors relative paths, and messages name it as given.</param>
    /// <param name="environment">Looks up <c>${VAR}</c> references; defaults to the process environment.</param>
    /// <exception cref="ConfigException">The file cannot be read or is not a valid KES config.</exception>
    public static ServerConfig Load(string path, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, string.Empty, 0, $"cannot read the file: {ex.Message.TrimEnd('.')}. Check the path given to --config", ex);
        }

        return Parse(yaml, path, environment ?? Environment.GetEnvironmentVariable, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Validates config text.</summary>
    /// <param name="yaml">The file's content.</param>
    /// <param name="sourceName">The name messages use, e.g. <c>config.yml</c>.</param>
    /// <param name="environment">Looks up <c>${VAR}</c> references (returns <see langword="null"/> for unset ones).</param>
    /// <param name="baseDirectory">The directory relative paths are resolved against; <see langword="null"/> keeps them as written.</param>
    /// <exception cref="ConfigException">The text is not a valid KES config.</exception>
    public static ServerConfig Parse(string yaml, string sourceName, Func<string, string?> environment, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(environment);
        var source = new ConfigSource(sourceName, environment, baseDirectory);

        YamlNode? root;
        try
        {
            DuplicateKeyScanner.Check(yaml, source);
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        }
        catch (YamlException ex)
        {
            throw SyntaxError(source, yaml, ex);
        }

        return new KesConfigReader(source).Read(root);
    }

    private static ConfigException SyntaxError(ConfigSource source, string yaml, YamlException ex)
    {
        var line = (int)Math.Min(ex.Start.Line, int.MaxValue);
        var lineText = yaml.Split('\n').ElementAtOrDefault(line - 1) ?? string.Empty;
        var reason = ex.Message.Trim().TrimEnd('.');
        if (reason.Length > 0)
        {
            reason = char.ToLowerInvariant(reason[0]) + reason[1..];
        }

        var hint = reason switch
        {
            _ when reason.Contains("invalid mapping", StringComparison.Ordinal) || reason.Contains("mapping values are not allowed", StringComparison.OrdinalIgnoreCase) =>
                "A value contains ': ' or a key is indented under a value; quote the value or fix the indentation",
            _ when reason.Contains("quoted scalar", StringComparison.Ordinal) => "A quote is not closed; end the value with the same quote it starts with",
            _ when reason.Contains("flow", StringComparison.Ordinal) && lineText.Contains("${", StringComparison.Ordinal) =>
                "Inside [...] or {...} quote ${VAR} references, e.g. [\"${VAR}\"]; unquoted, '{' and '}' are YAML brackets",
            _ when reason.Contains("flow", StringComparison.Ordinal) => "A '[' or '{' is not closed; close it on the same value",
            _ when reason.Contains("tab", StringComparison.OrdinalIgnoreCase) => "Indent with spaces; YAML does not allow tabs for indentation",
            _ when reason.Contains("anchor", StringComparison.OrdinalIgnoreCase) => "Define the '&anchor' before using '*anchor'",
            _ => "Check the indentation (spaces only, the same depth for keys of one section) and the quoting on this line and the one above",
        };

        return new ConfigException(source.Name, string.Empty, line, $"YAML syntax error at column {ex.Start.Column}: {reason}. {hint}", ex);
    }
}

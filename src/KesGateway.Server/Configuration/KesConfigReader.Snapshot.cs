using System.Security.Cryptography;
using System.Text;
using KesGateway.Core.Keystore;

namespace KesGateway.Server.Configuration;

/// <summary>The <c>cache.snapshot</c> section, a KesGateway extension.</summary>
internal sealed partial class KesConfigReader
{
    private const string MakeKeyHelp = "Make one with 'head -c 32 /dev/urandom > snapshot.key' (or base64 of 32 random bytes: 'head -c 32 /dev/urandom | base64')";

    private SnapshotConfig? ReadSnapshot(ConfigNode section, ConfigNode offlineNode, TimeSpan offline)
    {
        if (section.IsBlank)
        {
            return null;
        }

        // A snapshot only ever serves during an outage, and then only within the offline budget.
        if (offline <= TimeSpan.Zero)
        {
            throw _source.Error(
                offlineNode.Exists ? offlineNode.Field : section.Field,
                offlineNode.Exists ? offlineNode.Line : section.Line,
                $"{section.Field} needs an offline budget, but {offlineNode.Field} is not set (or 0s)",
                $"Set {offlineNode.Field}, e.g. 'offline: 1h': keys from a snapshot serve only while the keystore is offline, for at most that long after the snapshot was taken");
        }

        var pathNode = section["path"];
        var path = pathNode.Text();
        if (string.IsNullOrEmpty(path))
        {
            throw _source.Error(pathNode.Field, pathNode.Line, "no snapshot path", $"Set {pathNode.Field} to the file the sealed snapshot is kept in, e.g. ./cache.snapshot");
        }

        var intervalNode = section["interval"];
        var interval = intervalNode.Duration();
        if (interval is { } i && i <= TimeSpan.Zero)
        {
            throw _source.Error(intervalNode.Field, intervalNode.Line, $"invalid snapshot interval '{intervalNode.Text()}'", "Use a duration above 0s, e.g. 30s (the default)");
        }

        var (key, source) = ReadSnapshotKey(section);
        return new SnapshotConfig
        {
            Path = _source.ResolvePath(path),
            Key = key,
            KeySource = source,
            Interval = interval ?? TimeSpan.FromSeconds(30),
        };
    }

    private (byte[] Key, string Source) ReadSnapshotKey(ConfigNode section)
    {
        var fileNode = section["key_file"];
        var envNode = section["key_env"];
        var file = fileNode.Text();
        var env = envNode.Literal();
        if (string.IsNullOrEmpty(file) == string.IsNullOrEmpty(env))
        {
            var node = string.IsNullOrEmpty(file) ? section : envNode;
            throw _source.Error(
                node.Field,
                node.Line,
                string.IsNullOrEmpty(file) ? "no snapshot key" : "both key_file and key_env are set",
                $"Set exactly one of {fileNode.Field} (32 random bytes, raw or base64) and {envNode.Field} (a variable holding base64 of 32 bytes). " + MakeKeyHelp);
        }

        if (!string.IsNullOrEmpty(file))
        {
            var path = _source.ResolvePath(file);
            byte[] raw;
            try
            {
                raw = File.ReadAllBytes(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw _source.Error(fileNode.Field, fileNode.Line, $"cannot read the snapshot key file '{path}': {ex.Message}", MakeKeyHelp, ex);
            }

            try
            {
                var key = raw.Length == KeyCacheSnapshot.KeySize ? raw.AsSpan().ToArray() : DecodeBase64Key(Encoding.ASCII.GetString(raw));
                return key is not null
                    ? (key, "key_file " + path)
                    : throw _source.Error(fileNode.Field, fileNode.Line, $"the snapshot key file '{path}' does not hold 32 bytes (raw or base64)", MakeKeyHelp);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(raw);
            }
        }

        // The value itself is a secret: messages name the variable, never its content.
        var value = _source.Environment(env!);
        if (string.IsNullOrEmpty(value))
        {
            throw _source.Error(envNode.Field, envNode.Line, $"the environment variable '{env}' is not set", "Set it to base64 of 32 random bytes ('head -c 32 /dev/urandom | base64')");
        }

        return DecodeBase64Key(value) is { } decoded
            ? (decoded, "key_env " + env)
            : throw _source.Error(envNode.Field, envNode.Line, $"the environment variable '{env}' does not hold base64 of 32 bytes", "Set it to the output of 'head -c 32 /dev/urandom | base64'");
    }

    private static byte[]? DecodeBase64Key(string text)
    {
        Span<byte> buffer = stackalloc byte[64];
        try
        {
            return Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written == KeyCacheSnapshot.KeySize
                ? buffer[..written].ToArray()
                : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}

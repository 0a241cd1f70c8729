namespace KesGateway.Tests.Common.Vault;

/// <summary>Path helpers shared by the storage-backed mounts.</summary>
internal static class VaultPaths
{
    /// <summary>
    /// Immediate children of <paramref name="folder"/> (empty or ending in '/') among stored keys, sorted ordinally,
    /// sub-folders once each with a trailing '/'.
    /// </summary>
    public static List<string> Children(IEnumerable<string> keys, string folder)
    {
        var children = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key.Length <= folder.Length || !key.StartsWith(folder, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = key[folder.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            children.Add(slash < 0 ? rest : rest[..(slash + 1)]);
        }

        return [.. children];
    }

    /// <summary>"kv", "/kv/", "kv/" → "kv/" (mount paths always end in '/').</summary>
    public static string Mount(string path)
    {
        var trimmed = path.Trim('/');
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("A mount path cannot be empty.", nameof(path));
        }

        return trimmed + "/";
    }

    /// <summary>"ns1/child", "/ns1/child/" → "ns1/child/"; null, "" and "/" → "" (root).</summary>
    public static string Namespace(string? path)
    {
        var trimmed = (path ?? string.Empty).Trim('/');
        return trimmed.Length == 0 ? string.Empty : trimmed + "/";
    }

    /// <summary>Removes leading slashes and collapses nothing else: Vault routes the path as sent.</summary>
    public static string Key(string path) => path.TrimStart('/');
}

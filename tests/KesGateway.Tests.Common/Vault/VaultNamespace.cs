namespace KesGateway.Tests.Common.Vault;

/// <summary>A Vault Enterprise namespace: its own mounts (token store and sys built in) and policies; nested.</summary>
internal sealed class VaultNamespace
{
    public VaultNamespace(string name, VaultNamespace? parent, VaultCore core)
    {
        Name = name;
        Parent = parent;
        Path = parent is null ? string.Empty : parent.Path + name + "/";
        Id = parent is null ? "root" : VaultCore.RandomId(5);
        Mounts["auth/token/"] = new TokenMount("auth/token/", core);
        Mounts["sys/"] = new SysMount("sys/", core);
        Policies["default"] = new VaultPolicy("default", VaultPolicy.DefaultPolicyText);
    }

    public string Name { get; }

    /// <summary>Gets the full path: "" for root, "ns1/child/" for a nested namespace.</summary>
    public string Path { get; }

    public string Id { get; }

    public VaultNamespace? Parent { get; }

    public Dictionary<string, VaultNamespace> Children { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the mounts by path, each ending in '/': "kv/", "auth/approle/", "auth/token/", "sys/".</summary>
    public Dictionary<string, VaultMount> Mounts { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the policies by (lower-case) name.</summary>
    public Dictionary<string, VaultPolicy> Policies { get; } = new(StringComparer.Ordinal);

    public bool IsRoot => Parent is null;

    /// <summary>The mount with the longest path that is a prefix of <paramref name="path"/> ("kv" finds "kv/").</summary>
    public VaultMount? FindMount(string path, out string relative)
    {
        VaultMount? best = null;
        foreach (var (mountPath, mount) in Mounts)
        {
            var matches = path.StartsWith(mountPath, StringComparison.Ordinal) || path + "/" == mountPath;
            if (matches && (best is null || mountPath.Length > best.Path.Length))
            {
                best = mount;
            }
        }

        relative = best is null ? path : path.Length >= best.Path.Length ? path[best.Path.Length..] : string.Empty;
        return best;
    }

    public bool IsSelfOrDescendantOf(VaultNamespace other)
    {
        for (var current = this; current is not null; current = current.Parent)
        {
            if (ReferenceEquals(current, other))
            {
                return true;
            }
        }

        return false;
    }
}

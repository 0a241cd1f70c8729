using System.Security.Cryptography;

namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// The whole state of the double behind one lock: flags, namespaces with their mounts and policies, tokens.
/// Requests and the provisioning API both take <see cref="Sync"/>; nothing awaits while holding it.
/// </summary>
internal sealed class VaultCore
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public VaultCore(VaultDoubleOptions options)
    {
        Options = options;
        Time = options.TimeProvider;
        Tokens = new VaultTokenStore(options);
        Root = new VaultNamespace(string.Empty, null, this);
        RootToken = Tokens.IssueRoot(Root, Time.GetUtcNow());
    }

    public object Sync { get; } = new();

    public VaultDoubleOptions Options { get; }

    public TimeProvider Time { get; }

    public VaultNamespace Root { get; }

    public VaultTokenStore Tokens { get; }

    public VaultToken RootToken { get; }

    public VaultJournal Journal { get; } = new();

    public VaultFaults Faults { get; } = new();

    public bool Initialized { get; set; } = true;

    public bool Sealed { get; set; }

    public bool Standby { get; set; }

    public bool PerformanceStandby { get; set; }

    public bool DrSecondary { get; set; }

    public bool HaUnhealthy { get; set; }

    public bool RemovedFromCluster { get; set; }

    /// <summary>Gets or sets how long a new token is unknown to this "node" (403 invalid token), as before replication.</summary>
    public TimeSpan TokenReplicationLag { get; set; }

    public string ClusterName { get; } = "vault-cluster-" + RandomId(8).ToLowerInvariant();

    public string ClusterId { get; } = Guid.NewGuid().ToString();

    public static string RandomId(int length) => RandomNumberGenerator.GetString(Alphabet, length);

    /// <summary>Finds a namespace by path ("", "/", "ns1", "ns1/child/"); null when any segment is missing.</summary>
    public VaultNamespace? FindNamespace(string? path)
    {
        var current = Root;
        foreach (var segment in VaultPaths.Namespace(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!current.Children.TryGetValue(segment, out var child))
            {
                return null;
            }

            current = child;
        }

        return current;
    }

    public VaultNamespace Namespace(string? path) =>
        FindNamespace(path) ?? throw new InvalidOperationException($"namespace \"{path}\" does not exist");

    public T Mount<T>(string? ns, string path)
        where T : VaultMount
    {
        var mountPath = VaultPaths.Mount(path);
        return Namespace(ns).Mounts.GetValueOrDefault(mountPath) as T
            ?? throw new InvalidOperationException($"no {typeof(T).Name} mounted at \"{mountPath}\" in namespace \"{VaultPaths.Namespace(ns)}\"");
    }

    public void AddMount(string? ns, VaultMount mount)
    {
        var space = Namespace(ns);
        if (space.Mounts.Keys.Any(p => p.StartsWith(mount.Path, StringComparison.Ordinal) || mount.Path.StartsWith(p, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"path is already in use at {mount.Path}");
        }

        space.Mounts.Add(mount.Path, mount);
    }
}

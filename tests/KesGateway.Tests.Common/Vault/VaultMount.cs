namespace KesGateway.Tests.Common.Vault;

/// <summary>A secrets engine or auth method mounted at a path of a namespace.</summary>
internal abstract class VaultMount
{
    protected VaultMount(string path, VaultCore core)
    {
        Path = path;
        Core = core;
        Accessor = VaultCore.RandomId(8).ToLowerInvariant();
    }

    /// <summary>Gets the mount path, ending in '/'.</summary>
    public string Path { get; }

    public string Accessor { get; }

    /// <summary>Gets the engine type: kv, transit, approle, kubernetes, token, system.</summary>
    public abstract string Type { get; }

    protected VaultCore Core { get; }

    /// <summary>Gets the options Vault reports for the mount (e.g. KV's version).</summary>
    public virtual IReadOnlyDictionary<string, string>? Options => null;

    /// <summary>Whether the path needs no token (login endpoints).</summary>
    public virtual bool IsUnauthenticated(string relativePath) => false;

    /// <summary>The backend's existence check for create-vs-update: null = the path has none (always update).</summary>
    public virtual bool? Exists(VaultRequestContext context) => null;

    public abstract VaultResponse Handle(VaultRequestContext context);

    protected static VaultResponse Unsupported() => VaultResponse.Errors(405, "unsupported operation");
}

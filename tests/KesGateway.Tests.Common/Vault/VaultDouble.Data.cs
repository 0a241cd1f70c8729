using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>Direct access to stored data and tokens, for seeding, assertions and out-of-band changes (§11.3).</summary>
public sealed partial class VaultDouble
{
    /// <summary>
    /// The stored JSON of a secret: KV v1 the object as written; KV v2 the <c>data</c> of <paramref name="version"/> (default:
    /// current). Null when absent, or (v2) when that version is deleted, destroyed or pruned.
    /// </summary>
    public string? ReadKv(string mount, string path, string? ns = null, int? version = null) =>
        ReadKvObject(mount, path, ns, version)?.ToJsonString();

    public JsonObject? ReadKvObject(string mount, string path, string? ns = null, int? version = null)
    {
        lock (_core.Sync)
        {
            switch (KvMount(mount, ns))
            {
                case KvV1Mount v1:
                    return v1.Read(path);
                case KvV2Mount v2:
                    var key = v2.Find(path);
                    var now = _core.Time.GetUtcNow();
                    return key is not null && key.Versions.TryGetValue(version ?? key.CurrentVersion, out var entry) && !entry.Destroyed && !entry.IsDeleted(now)
                        ? (JsonObject)entry.Data!.DeepClone()
                        : null;
                default:
                    return null;
            }
        }
    }

    /// <summary>Writes a secret out of band: KV v1 replaces the object; KV v2 adds a version (no cas). Returns the version (v1: 0).</summary>
    public int WriteKv(string mount, string path, string json, string? ns = null) =>
        WriteKv(mount, path, JsonNode.Parse(json) as JsonObject ?? throw new ArgumentException("a secret is a JSON object", nameof(json)), ns);

    public int WriteKv(string mount, string path, JsonObject data, string? ns = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        lock (_core.Sync)
        {
            switch (KvMount(mount, ns))
            {
                case KvV1Mount v1:
                    v1.Write(path, data);
                    return 0;
                case KvV2Mount v2:
                    return v2.Write(path, data, _core.Time.GetUtcNow());
                default:
                    return 0;
            }
        }
    }

    /// <summary>Deletes a secret for good: KV v1 delete; KV v2 metadata delete (all versions).</summary>
    public void DeleteKv(string mount, string path, string? ns = null)
    {
        lock (_core.Sync)
        {
            switch (KvMount(mount, ns))
            {
                case KvV1Mount v1:
                    v1.Delete(path);
                    break;
                case KvV2Mount v2:
                    v2.DeleteMetadata(path);
                    break;
            }
        }
    }

    /// <summary><c>vault kv delete</c> (KV v2): soft-deletes a version (default: current); metadata stays.</summary>
    public void SoftDeleteKv(string mount, string path, int? version = null, string? ns = null)
    {
        lock (_core.Sync)
        {
            KvV2(mount, ns).SoftDelete(path, version, _core.Time.GetUtcNow());
        }
    }

    /// <summary><c>vault kv undelete -versions=N</c>.</summary>
    public void UndeleteKv(string mount, string path, int version, string? ns = null)
    {
        lock (_core.Sync)
        {
            KvV2(mount, ns).Undelete(path, version);
        }
    }

    /// <summary><c>vault kv destroy -versions=N</c>.</summary>
    public void DestroyKv(string mount, string path, int version, string? ns = null)
    {
        lock (_core.Sync)
        {
            KvV2(mount, ns).Destroy(path, version);
        }
    }

    /// <summary>The KV v2 metadata object as <c>GET metadata/…</c> returns it; null when none.</summary>
    public JsonObject? ReadKvMetadata(string mount, string path, string? ns = null)
    {
        lock (_core.Sync)
        {
            return KvV2(mount, ns).ReadMetadata(path, _core.Time.GetUtcNow());
        }
    }

    /// <summary>Immediate children of a folder ("" = mount root), as LIST would return them (empty instead of 404).</summary>
    public IReadOnlyList<string> ListKv(string mount, string folder = "", string? ns = null)
    {
        var prefix = folder.Trim('/');
        prefix = prefix.Length == 0 ? string.Empty : prefix + "/";
        lock (_core.Sync)
        {
            return KvMount(mount, ns) switch
            {
                KvV1Mount v1 => VaultPaths.Children(v1.Keys, prefix),
                KvV2Mount v2 => VaultPaths.Children(v2.Keys, prefix),
                _ => [],
            };
        }
    }

    /// <summary><c>vault write kv/config max_versions=… cas_required=… delete_version_after=…</c> (KV v2).</summary>
    public void ConfigureKv(string mount, int? maxVersions = null, bool? casRequired = null, TimeSpan? deleteVersionAfter = null, string? ns = null)
    {
        lock (_core.Sync)
        {
            var v2 = KvV2(mount, ns);
            v2.MaxVersions = maxVersions ?? v2.MaxVersions;
            v2.CasRequired = casRequired ?? v2.CasRequired;
            v2.DeleteVersionAfter = deleteVersionAfter ?? v2.DeleteVersionAfter;
        }
    }

    /// <summary><c>vault kv metadata put</c>: per-key max_versions, cas_required, delete_version_after (creates metadata if none).</summary>
    public void WriteKvMetadata(string mount, string path, int? maxVersions = null, bool? casRequired = null, TimeSpan? deleteVersionAfter = null, string? ns = null)
    {
        lock (_core.Sync)
        {
            var now = _core.Time.GetUtcNow();
            var key = KvV2(mount, ns).Metadata(path, now);
            key.MaxVersions = maxVersions ?? key.MaxVersions;
            key.CasRequired = casRequired ?? key.CasRequired;
            key.DeleteVersionAfter = deleteVersionAfter ?? key.DeleteVersionAfter;
            key.UpdatedTime = now;
        }
    }

    /// <summary>Makes a KV v2 mount answer every request with the 400 "Upgrading from non-versioned…" text.</summary>
    public void SetKvUpgrading(string mount, bool upgrading, string? ns = null)
    {
        lock (_core.Sync)
        {
            KvV2(mount, ns).Upgrading = upgrading;
        }
    }

    /// <summary>Issues a service (or batch) token directly, like <c>vault token create -policy=…</c> with the root token.</summary>
    public string CreateToken(
        IEnumerable<string> policies,
        TimeSpan? ttl = null,
        TimeSpan? maxTtl = null,
        TimeSpan? period = null,
        bool noDefaultPolicy = false,
        string type = "service",
        int numUses = 0,
        string? ns = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        lock (_core.Sync)
        {
            var settings = new VaultTokenSettings
            {
                Policies = [.. policies],
                Ttl = ttl ?? TimeSpan.Zero,
                MaxTtl = maxTtl ?? TimeSpan.Zero,
                Period = period ?? TimeSpan.Zero,
                NoDefaultPolicy = noDefaultPolicy,
                Type = type,
                NumUses = numUses,
            };
            var origin = new VaultTokenOrigin { Path = "auth/token/create", DisplayName = "token" };
            return _core.Tokens.Issue(_core.Namespace(ns), settings, _core.Time.GetUtcNow(), origin, []).Id;
        }
    }

    /// <summary>A snapshot of a token; null when unknown.</summary>
    public VaultTokenInfo? LookupToken(string token)
    {
        lock (_core.Sync)
        {
            return _core.Tokens.Find(token) is { } found ? Info(found) : null;
        }
    }

    /// <summary>Snapshots of every token issued so far (root token included), oldest first.</summary>
    public IReadOnlyList<VaultTokenInfo> Tokens
    {
        get
        {
            lock (_core.Sync)
            {
                return [.. _core.Tokens.All.OrderBy(t => t.CreationTime).Select(Info)];
            }
        }
    }

    /// <summary>Expires the token now (its TTL runs out on the double's clock): later requests get 403 invalid token.</summary>
    public void ExpireToken(string token)
    {
        lock (_core.Sync)
        {
            Token(token).ExpireTime = _core.Time.GetUtcNow();
        }
    }

    /// <summary>Revokes the token (<c>vault token revoke</c>).</summary>
    public void RevokeToken(string token)
    {
        lock (_core.Sync)
        {
            Token(token).Revoked = true;
        }
    }

    /// <summary>Lowers the token's max TTL to <paramref name="remaining"/> from now: renewals get capped, with Vault's warning.</summary>
    public void ShrinkTokenMaxTtl(string token, TimeSpan remaining)
    {
        lock (_core.Sync)
        {
            var entry = Token(token);
            var now = _core.Time.GetUtcNow();
            entry.MaxExpireTime = now + remaining;
            if (entry.ExpireTime is { } expire && expire > now + remaining)
            {
                entry.ExpireTime = now + remaining;
            }
        }
    }

    /// <summary>Makes renew-self of this token answer <paramref name="status"/> with <paramref name="error"/> until cleared with null.</summary>
    public void FailRenewals(string token, int? status, string error = "permission denied")
    {
        lock (_core.Sync)
        {
            Token(token).RenewFailure = status is { } code ? (code, error) : null;
        }
    }

    private VaultMount KvMount(string mount, string? ns) =>
        _core.Namespace(ns).Mounts.GetValueOrDefault(VaultPaths.Mount(mount)) is { } found and (KvV1Mount or KvV2Mount)
            ? found
            : throw new InvalidOperationException($"no KV mount at \"{mount}\"");

    private KvV2Mount KvV2(string mount, string? ns) => _core.Mount<KvV2Mount>(ns, mount);

    private VaultToken Token(string id) => _core.Tokens.Find(id) ?? throw new InvalidOperationException("unknown token");

    private VaultTokenInfo Info(VaultToken token)
    {
        var now = _core.Time.GetUtcNow();
        return new VaultTokenInfo
        {
            Id = token.Id,
            Accessor = token.Accessor,
            Namespace = token.Namespace.Path,
            Policies = [.. token.Policies],
            Type = token.Type,
            CreationTime = token.CreationTime,
            ExpireTime = token.ExpireTime,
            Ttl = token.ExpireTime is { } expire && expire > now ? expire - now : TimeSpan.Zero,
            Period = token.Period,
            Renewable = token.Renewable,
            NumUses = token.NumUses,
            Revoked = token.Revoked,
            Expired = token.IsExpired(now),
            Path = token.Path,
            Metadata = new Dictionary<string, string>(token.Metadata),
        };
    }
}

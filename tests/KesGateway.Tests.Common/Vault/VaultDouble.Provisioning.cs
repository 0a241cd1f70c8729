namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// Provisioning that mirrors the tutorial's CLI steps (<c>vault secrets enable</c>, <c>vault policy write</c>,
/// <c>vault auth enable approle</c>, <c>vault write auth/approle/role/…</c>…). <c>ns</c> null, "" or "/" = root.
/// </summary>
public sealed partial class VaultDouble
{
    /// <summary><c>vault namespace create</c>: the parent must exist ("ns1" before "ns1/child").</summary>
    public void CreateNamespace(string path)
    {
        var full = VaultPaths.Namespace(path);
        if (full.Length == 0)
        {
            throw new ArgumentException("the root namespace always exists", nameof(path));
        }

        var segments = full.TrimEnd('/').Split('/');
        lock (_core.Sync)
        {
            var parent = _core.Namespace(string.Join('/', segments[..^1]));
            if (parent.Children.ContainsKey(segments[^1]))
            {
                throw new InvalidOperationException($"namespace \"{full}\" already exists");
            }

            parent.Children.Add(segments[^1], new VaultNamespace(segments[^1], parent, _core));
        }
    }

    public void DeleteNamespace(string path)
    {
        lock (_core.Sync)
        {
            var space = _core.Namespace(path);
            if (space.Parent is null)
            {
                throw new ArgumentException("the root namespace cannot be deleted", nameof(path));
            }

            space.Parent.Children.Remove(space.Name);
        }
    }

    /// <summary><c>vault policy write &lt;name&gt; &lt;file.hcl&gt;</c>: parses the HCL (FormatException when invalid); names are lower-cased.</summary>
    public void WritePolicy(string name, string hcl, string? ns = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var lower = name.Trim().ToLowerInvariant();
        if (lower == "root")
        {
            throw new ArgumentException("cannot update \"root\" policy", nameof(name));
        }

        var policy = new VaultPolicy(lower, hcl);
        lock (_core.Sync)
        {
            _core.Namespace(ns).Policies[lower] = policy;
        }
    }

    public void DeletePolicy(string name, string? ns = null)
    {
        lock (_core.Sync)
        {
            _core.Namespace(ns).Policies.Remove(name.ToLowerInvariant());
        }
    }

    /// <summary><c>vault secrets enable -version=&lt;1|2&gt; -path=&lt;path&gt; kv</c>.</summary>
    public void EnableKv(string path = "kv", int version = 1, string? ns = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(version, 2);
        var mountPath = VaultPaths.Mount(path);
        lock (_core.Sync)
        {
            _core.AddMount(ns, version == 1 ? new KvV1Mount(mountPath, _core) : new KvV2Mount(mountPath, _core));
        }
    }

    /// <summary><c>vault secrets enable -path=&lt;path&gt; transit</c>.</summary>
    public void EnableTransit(string path = "transit", string? ns = null)
    {
        var mountPath = VaultPaths.Mount(path);
        lock (_core.Sync)
        {
            _core.AddMount(ns, new TransitMount(mountPath, _core));
        }
    }

    /// <summary><c>vault auth enable -path=&lt;path&gt; approle</c> (mounted at auth/&lt;path&gt;/).</summary>
    public void EnableAppRole(string path = "approle", string? ns = null)
    {
        var mountPath = "auth/" + VaultPaths.Mount(path);
        lock (_core.Sync)
        {
            _core.AddMount(ns, new AppRoleMount(mountPath, _core));
        }
    }

    /// <summary><c>vault auth enable -path=&lt;path&gt; kubernetes</c>.</summary>
    public void EnableKubernetes(string path = "kubernetes", string? ns = null)
    {
        var mountPath = "auth/" + VaultPaths.Mount(path);
        lock (_core.Sync)
        {
            _core.AddMount(ns, new KubernetesMount(mountPath, _core));
        }
    }

    /// <summary><c>vault secrets disable</c> / <c>vault auth disable</c>: <paramref name="path"/> as mounted ("kv", "auth/approle").</summary>
    public void DisableMount(string path, string? ns = null)
    {
        lock (_core.Sync)
        {
            if (!_core.Namespace(ns).Mounts.Remove(VaultPaths.Mount(path)))
            {
                throw new InvalidOperationException($"no mount at \"{path}\"");
            }
        }
    }

    /// <summary>
    /// <c>vault write auth/&lt;mount&gt;/role/&lt;role&gt; …</c>: creates the role or updates only the parameters given, as the
    /// tutorial's two writes do (first <c>token_num_uses=0 secret_id_num_uses=0 period=5m</c>, then <c>policies=kes-policy</c>).
    /// </summary>
    public void WriteAppRole(
        string role,
        IEnumerable<string>? policies = null,
        TimeSpan? period = null,
        TimeSpan? tokenTtl = null,
        TimeSpan? tokenMaxTtl = null,
        int? tokenNumUses = null,
        int? secretIdNumUses = null,
        TimeSpan? secretIdTtl = null,
        bool? bindSecretId = null,
        string? tokenType = null,
        bool? tokenNoDefaultPolicy = null,
        TimeSpan? tokenExplicitMaxTtl = null,
        string mount = "approle",
        string? ns = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        if (tokenType is not (null or "default" or "service" or "batch"))
        {
            throw new ArgumentException("token_type must be default, service or batch", nameof(tokenType));
        }

        var name = role.ToLowerInvariant();
        lock (_core.Sync)
        {
            var approle = _core.Mount<AppRoleMount>(ns, "auth/" + mount);
            if (!approle.Roles.TryGetValue(name, out var entry))
            {
                entry = new AppRoleRole { Name = name };
                approle.Roles.Add(name, entry);
            }

            Apply(entry.Token, policies, period, tokenTtl, tokenMaxTtl, tokenNumUses, tokenType, tokenNoDefaultPolicy, tokenExplicitMaxTtl);
            entry.SecretIdNumUses = secretIdNumUses ?? entry.SecretIdNumUses;
            entry.SecretIdTtl = secretIdTtl ?? entry.SecretIdTtl;
            entry.BindSecretId = bindSecretId ?? entry.BindSecretId;
        }
    }

    /// <summary><c>vault read auth/&lt;mount&gt;/role/&lt;role&gt;/role-id</c>.</summary>
    public string ReadRoleId(string role, string mount = "approle", string? ns = null)
    {
        lock (_core.Sync)
        {
            return _core.Mount<AppRoleMount>(ns, "auth/" + mount).Role(role).RoleId;
        }
    }

    /// <summary><c>vault write auth/&lt;mount&gt;/role/&lt;role&gt;/role-id role_id=…</c>: a chosen role-id (e.g. "r1").</summary>
    public void SetRoleId(string role, string roleId, string mount = "approle", string? ns = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roleId);
        lock (_core.Sync)
        {
            _core.Mount<AppRoleMount>(ns, "auth/" + mount).Role(role).RoleId = roleId;
        }
    }

    /// <summary><c>vault write -f auth/&lt;mount&gt;/role/&lt;role&gt;/secret-id</c>: a new random secret-id with the role's TTL and use limit.</summary>
    public string GenerateSecretId(string role, string mount = "approle", string? ns = null)
    {
        var secretId = Guid.NewGuid().ToString();
        AddSecretId(role, secretId, mount, ns);
        return secretId;
    }

    /// <summary><c>vault write auth/&lt;mount&gt;/role/&lt;role&gt;/custom-secret-id secret_id=…</c>: a chosen secret-id (e.g. "s1").</summary>
    public void AddSecretId(string role, string secretId, string mount = "approle", string? ns = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        lock (_core.Sync)
        {
            var entry = _core.Mount<AppRoleMount>(ns, "auth/" + mount).Role(role);
            var now = _core.Time.GetUtcNow();
            entry.SecretIds[secretId] = new AppRoleSecretId
            {
                Accessor = Guid.NewGuid().ToString(),
                CreationTime = now,
                ExpirationTime = entry.SecretIdTtl > TimeSpan.Zero ? now + entry.SecretIdTtl : null,
                UsesLeft = entry.SecretIdNumUses,
            };
        }
    }

    /// <summary>Destroys a secret-id (<c>secret-id/destroy</c>).</summary>
    public void DestroySecretId(string role, string secretId, string mount = "approle", string? ns = null)
    {
        lock (_core.Sync)
        {
            _core.Mount<AppRoleMount>(ns, "auth/" + mount).Role(role).SecretIds.Remove(secretId);
        }
    }

    /// <summary><c>vault delete auth/&lt;mount&gt;/role/&lt;role&gt;</c>: logins fail, and renewals of its tokens too.</summary>
    public void DeleteAppRole(string role, string mount = "approle", string? ns = null)
    {
        lock (_core.Sync)
        {
            _core.Mount<AppRoleMount>(ns, "auth/" + mount).Roles.Remove(role.ToLowerInvariant());
        }
    }

    /// <summary><c>vault write auth/&lt;mount&gt;/role/&lt;role&gt; bound_service_account_names=… bound_service_account_namespaces=… policies=…</c>.</summary>
    public void WriteKubernetesRole(
        string role,
        IEnumerable<string> boundServiceAccountNames,
        IEnumerable<string> boundServiceAccountNamespaces,
        IEnumerable<string>? policies = null,
        TimeSpan? tokenTtl = null,
        TimeSpan? tokenMaxTtl = null,
        TimeSpan? period = null,
        string? tokenType = null,
        bool? tokenNoDefaultPolicy = null,
        string mount = "kubernetes",
        string? ns = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentNullException.ThrowIfNull(boundServiceAccountNames);
        ArgumentNullException.ThrowIfNull(boundServiceAccountNamespaces);
        var name = role.ToLowerInvariant();
        lock (_core.Sync)
        {
            var kubernetes = _core.Mount<KubernetesMount>(ns, "auth/" + mount);
            if (!kubernetes.Roles.TryGetValue(name, out var entry))
            {
                entry = new KubernetesRole { Name = name };
                kubernetes.Roles.Add(name, entry);
            }

            entry.BoundServiceAccountNames = [.. boundServiceAccountNames];
            entry.BoundServiceAccountNamespaces = [.. boundServiceAccountNamespaces];
            Apply(entry.Token, policies, period, tokenTtl, tokenMaxTtl, null, tokenType, tokenNoDefaultPolicy, null);
        }
    }

    public void DeleteKubernetesRole(string role, string mount = "kubernetes", string? ns = null)
    {
        lock (_core.Sync)
        {
            _core.Mount<KubernetesMount>(ns, "auth/" + mount).Roles.Remove(role.ToLowerInvariant());
        }
    }

    /// <summary>Accepts <paramref name="jwt"/> (as sent, no trimming) as a token of the given service account.</summary>
    public void AddKubernetesJwt(string jwt, string serviceAccountName, string serviceAccountNamespace, string? uid = null, string mount = "kubernetes", string? ns = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(jwt);
        lock (_core.Sync)
        {
            _core.Mount<KubernetesMount>(ns, "auth/" + mount).Jwts[jwt] =
                new KubernetesServiceAccount(serviceAccountName, serviceAccountNamespace, uid ?? Guid.NewGuid().ToString(), $"{serviceAccountName}-token");
        }
    }

    /// <summary>Stops accepting <paramref name="jwt"/> (e.g. a rotated projected token): its logins get 403 permission denied.</summary>
    public void RemoveKubernetesJwt(string jwt, string mount = "kubernetes", string? ns = null)
    {
        lock (_core.Sync)
        {
            _core.Mount<KubernetesMount>(ns, "auth/" + mount).Jwts.Remove(jwt);
        }
    }

    /// <summary><c>vault write -f transit/keys/&lt;name&gt;</c> (optionally <c>derived=true</c>).</summary>
    public void CreateTransitKey(string name, bool derived = false, string mount = "transit", string? ns = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (_core.Sync)
        {
            var transit = _core.Mount<TransitMount>(ns, mount);
            if (!transit.Keys.ContainsKey(name))
            {
                transit.Keys[name] = new TransitKey(name, derived, _core.Time.GetUtcNow());
            }
        }
    }

    /// <summary><c>vault write -f transit/keys/&lt;name&gt;/rotate</c>; returns the new latest version.</summary>
    public int RotateTransitKey(string name, string mount = "transit", string? ns = null)
    {
        lock (_core.Sync)
        {
            var key = TransitKeyOf(name, mount, ns);
            key.Rotate(_core.Time.GetUtcNow());
            return key.LatestVersion;
        }
    }

    public void DeleteTransitKey(string name, string mount = "transit", string? ns = null)
    {
        lock (_core.Sync)
        {
            _core.Mount<TransitMount>(ns, mount).Keys.Remove(name);
        }
    }

    public int TransitKeyVersion(string name, string mount = "transit", string? ns = null)
    {
        lock (_core.Sync)
        {
            return TransitKeyOf(name, mount, ns).LatestVersion;
        }
    }

    /// <summary>Sets <c>min_decryption_version</c>: older ciphertexts are refused.</summary>
    public void SetTransitMinDecryptionVersion(string name, int version, string mount = "transit", string? ns = null)
    {
        lock (_core.Sync)
        {
            TransitKeyOf(name, mount, ns).MinDecryptionVersion = version;
        }
    }

    /// <summary>Encrypts as the HTTP endpoint would (for seeding stored values): <c>vault:v&lt;N&gt;:…</c>.</summary>
    public string TransitEncrypt(string name, byte[] plaintext, string mount = "transit", string? ns = null)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        lock (_core.Sync)
        {
            return TransitKeyOf(name, mount, ns).Encrypt(plaintext, null);
        }
    }

    /// <summary>Decrypts a ciphertext of the key (for assertions); InvalidOperationException with Vault's text when it fails.</summary>
    public byte[] TransitDecrypt(string name, string ciphertext, string mount = "transit", string? ns = null)
    {
        lock (_core.Sync)
        {
            return TransitKeyOf(name, mount, ns).Decrypt(ciphertext, null, out var error) ?? throw new InvalidOperationException(error);
        }
    }

    private TransitKey TransitKeyOf(string name, string mount, string? ns) =>
        _core.Mount<TransitMount>(ns, mount).Keys.GetValueOrDefault(name) ?? throw new InvalidOperationException($"transit key \"{name}\" does not exist");

    private static void Apply(
        VaultTokenSettings token,
        IEnumerable<string>? policies,
        TimeSpan? period,
        TimeSpan? ttl,
        TimeSpan? maxTtl,
        int? numUses,
        string? type,
        bool? noDefaultPolicy,
        TimeSpan? explicitMaxTtl)
    {
        if (policies is not null)
        {
            token.Policies = [.. policies];
        }

        token.Period = period ?? token.Period;
        token.Ttl = ttl ?? token.Ttl;
        token.MaxTtl = maxTtl ?? token.MaxTtl;
        token.NumUses = numUses ?? token.NumUses;
        token.Type = type ?? token.Type;
        token.NoDefaultPolicy = noDefaultPolicy ?? token.NoDefaultPolicy;
        token.ExplicitMaxTtl = explicitMaxTtl ?? token.ExplicitMaxTtl;
    }
}

using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Filesystem;
using KesGateway.Core.Keystore.Memory;
using KesGateway.Core.Keystore.Vault;
using KesGateway.Core.Policy;
using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Server.Tls;

namespace KesGateway.Server.Hosting;

/// <summary>Turns a validated configuration into a runnable <see cref="GatewayState"/>: per tenant its certificate, policies, routes and keystore.</summary>
public static class GatewayStateFactory
{
    /// <summary>Builds the state, connecting to the keystores; throws <see cref="InvalidOperationException"/> with an actionable message when it cannot.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="startTime">When the server started.</param>
    /// <param name="keyStoreContext">The clock and logger for the keystores.</param>
    /// <param name="keyStore">A keystore to use for the default tenant instead of the one the config names (dev mode).</param>
    /// <param name="certificate">A certificate to present for the default tenant instead of the configured files (dev mode).</param>
    /// <param name="allowUnreachableKeyStore">
    /// With <c>cache.snapshot</c> set, a Vault keystore that cannot be reached becomes a <see cref="DeferredKeyStore"/>
    /// instead of failing (the first start only: a reload during an outage keeps the running state instead).
    /// </param>
    /// <param name="previous">The running state on a reload: a tenant whose keystore and cache settings did not change keeps its
    /// keystore and its warm cache, so rotating a certificate or editing a policy costs no Vault login and no cache miss.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<GatewayState> CreateAsync(
        ServerConfig config,
        DateTimeOffset startTime,
        KeyStoreContext keyStoreContext,
        IKeyStore? keyStore = null,
        X509Certificate2Collection? certificate = null,
        bool allowUnreachableKeyStore = false,
        GatewayState? previous = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(keyStoreContext);

        // Certificates, policies and routes of every tenant first, so a bad file never costs a Vault login.
        var tenants = config.AllTenants.ToList();
        var parts = tenants.Select(t => Prepare(t, startTime, t.Name == TenantConfig.DefaultName ? certificate : null)).ToList();

        var states = ImmutableArray.CreateBuilder<TenantState>(tenants.Count);
        var opened = new List<IKeyStore>();
        try
        {
            for (var i = 0; i < tenants.Count; i++)
            {
                var tenant = tenants[i];
                var (chain, policies, routes, clientPolicy, native) = parts[i];
                IKeyStore? store = null;
                KeyCache? cache = null;
                var isDefault = tenant.Name == TenantConfig.DefaultName;
                if (previous?.Find(tenant.Name) is { Keys: not null } old && CanKeep(old.Config, tenant, isDefault && keyStore is not null))
                {
                    store = old.KeyStore;
                    cache = old.Keys;
                }
                else if (isDefault && keyStore is not null)
                {
                    store = keyStore;
                }
                else if (tenant.KeyStore is not null)
                {
                    store = allowUnreachableKeyStore && tenant.Cache.Snapshot is not null && tenant.KeyStore is VaultKeyStoreConfig vault
                        ? await ConnectVaultOrDeferAsync(vault, keyStoreContext, cancellationToken).ConfigureAwait(false)
                        : await CreateKeyStoreAsync(tenant.KeyStore, keyStoreContext, FieldPrefix(tenant), cancellationToken).ConfigureAwait(false);
                    opened.Add(store);
                }

                if (store is not null)
                {
                    cache ??= CreateCache(store, tenant.Cache, keyStoreContext, tenant.Limits.KeyStoreConcurrency);
                }

                states.Add(new TenantState(
                    tenant,
                    policies,
                    routes,
                    store,
                    cache,
                    SslStreamCertificateContext.Create(chain[0], [.. chain.Skip(1)], offline: true),
                    clientPolicy,
                    native));
            }
        }
        catch
        {
            foreach (var store in opened)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new GatewayState(config, states.MoveToImmutable());
    }

    /// <summary>Whether a reloaded tenant can keep the running keystore and cache: same keystore settings and same expiry.</summary>
    private static bool CanKeep(TenantConfig old, TenantConfig next, bool injected) =>
        (injected || Equals(old.KeyStore, next.KeyStore))
        && old.Cache with { Snapshot = null } == next.Cache with { Snapshot = null }
        && old.Limits.KeyStoreConcurrency == next.Limits.KeyStoreConcurrency;

    private static (X509Certificate2Collection Chain, PolicySet Policies, KesRouteTable Routes, ClientCertificatePolicy Client, FrozenSet<string> Native) Prepare(
        TenantConfig tenant, DateTimeOffset startTime, X509Certificate2Collection? certificate)
    {
        try
        {
            var chain = certificate ?? ServerCertificateLoader.Load(tenant.Tls.CertificatePath, tenant.Tls.KeyPath, tenant.Tls.Password);
            var policies = PolicySet.Create(
                tenant.Admin,
                tenant.Policies.Select(p => new KesPolicy(p.Name, p.Allow, p.Deny, p.Identities)),
                startTime);
            var routes = KesRouteTable.Create(KesApi.DefaultRoutes, tenant.Api);
            var clientPolicy = new ClientCertificatePolicy(
                Required: !routes.SomeRouteSkipsAuth,
                Verify: tenant.Tls.VerifyClientCertificates,
                ExtraRoots: LoadCas(tenant.Tls.CaPath));
            var native = routes.Routes.Where(r => RouteSplit.IsNative(tenant, r.Path)).Select(r => r.Path).ToFrozenSet(StringComparer.Ordinal);
            return (chain, policies, routes, clientPolicy, native);
        }
        catch (InvalidOperationException ex) when (tenant.Name != TenantConfig.DefaultName)
        {
            throw new InvalidOperationException(FieldPrefix(tenant) + ex.Message, ex);
        }
    }

    /// <summary>The prefix that turns a top-level field name (<c>tls.cert</c>) into the tenant's (<c>tenants.acme.tls.cert</c>).</summary>
    internal static string FieldPrefix(TenantConfig tenant) =>
        tenant.Name == TenantConfig.DefaultName ? string.Empty : $"tenants.{tenant.Name}.";

    /// <summary>Opens the keystore a config names; a Vault keystore logs in before this returns.</summary>
    public static Task<IKeyStore> CreateKeyStoreAsync(KeyStoreConfig config, KeyStoreContext context, CancellationToken cancellationToken = default) =>
        CreateKeyStoreAsync(config, context, string.Empty, cancellationToken);

    private static async Task<IKeyStore> CreateKeyStoreAsync(KeyStoreConfig config, KeyStoreContext context, string field, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        switch (config)
        {
            case MemoryKeyStoreConfig:
                return new MemoryKeyStore();
            case FsKeyStoreConfig fs:
                return OpenFileStore(fs.Path, field);
            case VaultKeyStoreConfig vault:
                try
                {
                    return await VaultKeyStore.ConnectAsync(ToVaultOptions(vault, context.Time), context.Logger, cancellationToken).ConfigureAwait(false);
                }
                catch (KeyStoreException ex)
                {
                    throw new InvalidOperationException($"{field}keystore.vault: cannot connect to Vault at {vault.Endpoint}: {ex.Message}", ex);
                }

            default:
                throw new InvalidOperationException(
                    $"{field}keystore.{config.Kind}: this KesGateway version cannot serve a '{config.Kind}' keystore. "
                    + "The configuration is valid; use keystore.vault or keystore.fs (or kesgw server --dev).");
        }
    }

    /// <summary>Connects to Vault; if it cannot be reached, returns a store that keeps connecting in the background.</summary>
    /// <remarks>Only "unreachable" defers: wrong credentials or TLS material still fail the start.</remarks>
    internal static async Task<IKeyStore> ConnectVaultOrDeferAsync(VaultKeyStoreConfig vault, KeyStoreContext context, CancellationToken cancellationToken)
    {
        var options = ToVaultOptions(vault, context.Time);
        try
        {
            return await VaultKeyStore.ConnectAsync(options, context.Logger, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyStoreUnreachableException ex)
        {
            var description = "Hashicorp Vault: " + vault.Endpoint.TrimEnd('/');
            SnapshotLog.Deferred(context.Logger, description, ex.Message);
            var deferred = new DeferredKeyStore(
                description,
                async ct => await VaultKeyStore.ConnectAsync(options, context.Logger, ct).ConfigureAwait(false),
                options.LoginRetryInterval,
                context.Time,
                error => SnapshotLog.StillUnreachable(context.Logger, description, error.Message));
            deferred.Start();
            return deferred;
        }
        catch (KeyStoreException ex)
        {
            throw new InvalidOperationException($"keystore.vault: cannot connect to Vault at {vault.Endpoint}: {ex.Message}", ex);
        }
    }

    /// <summary>Puts a key cache with the config's expiry in front of <paramref name="store"/>; its state changes are logged once each.</summary>
    internal static KeyCache CreateCache(IKeyStore store, CacheConfig config, KeyStoreContext context, int maxConcurrentReads = 0)
    {
        // Misses reach the keystore a few at a time, however many keys miss at once.
        var reads = maxConcurrentReads > 0 ? new ConcurrencyLimitedKeyStore(store, maxConcurrentReads) : store;
        var cache = new KeyCache(reads, new KeyCacheOptions
        {
            Any = config.Any,
            Unused = config.Unused,
            Offline = config.Offline,
            StatusInterval = context.StatusInterval,
            TimeProvider = context.Time,
        });
        cache.StateChanged += (_, change) => KeyCacheLog.StateChanged(context.Logger, store.Description, change);
        return cache;
    }

    /// <summary>Maps the KES config's <c>keystore.vault</c> onto the Vault client's options.</summary>
    internal static VaultOptions ToVaultOptions(VaultKeyStoreConfig config, TimeProvider time) => new()
    {
        Endpoint = new Uri(config.Endpoint, UriKind.Absolute),
        Engine = config.Engine,
        Version = config.Version == "v2" ? VaultKvVersion.V2 : VaultKvVersion.V1,
        Namespace = config.Namespace,
        Prefix = config.Prefix,
        AppRole = config.AppRole is { } approle
            ? new VaultAppRoleOptions { Engine = approle.Engine, Namespace = approle.Namespace, Id = approle.Id, Secret = approle.Secret }
            : null,
        Kubernetes = config.Kubernetes is { } k8s
            ? new VaultKubernetesOptions { Engine = k8s.Engine, Namespace = k8s.Namespace, Role = k8s.Role, Jwt = k8s.Jwt, JwtFile = k8s.JwtFile }
            : null,
        Transit = config.Transit is { } transit ? new VaultTransitOptions { Engine = transit.Engine, Key = transit.Key } : null,
        Tls = new VaultTlsOptions
        {
            ClientCertificateFile = config.Tls.CertificatePath,
            ClientKeyFile = config.Tls.KeyPath,
            CaPath = config.Tls.CaPath,
        },
        StatusPing = config.StatusPing,
        LoginRetryInterval = config.AppRole?.Retry ?? config.Kubernetes?.Retry ?? TimeSpan.FromSeconds(3),
        TimeProvider = time,
    };

    private static FileKeyStore OpenFileStore(string path, string field)
    {
        try
        {
            return new FileKeyStore(path);
        }
        catch (KeyStoreException ex)
        {
            throw new InvalidOperationException($"{field}keystore.fs.path: {ex.Message}", ex);
        }
    }

    private static X509Certificate2Collection LoadCas(string? path)
    {
        var cas = new X509Certificate2Collection();
        if (string.IsNullOrEmpty(path))
        {
            return cas;
        }

        try
        {
            var files = Directory.Exists(path) ? Directory.GetFiles(path) : [path];
            foreach (var file in files)
            {
                cas.ImportFromPemFile(file);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"tls.ca: cannot read CA certificates from '{path}': {ex.Message}", ex);
        }

        return cas;
    }
}

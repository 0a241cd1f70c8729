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

/// <summary>Turns a validated configuration into a runnable <see cref="ServerState"/>: certificate, policies, routes, keystore.</summary>
public static class ServerStateFactory
{
    /// <summary>Builds the state, connecting to the keystore; throws <see cref="InvalidOperationException"/> with an actionable message when it cannot.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="startTime">When the server started.</param>
    /// <param name="keyStoreContext">The clock and logger for the keystore.</param>
    /// <param name="keyStore">A keystore to use instead of the one the config names.</param>
    /// <param name="certificate">A server certificate to use instead of the configured files.</param>
    /// <param name="allowUnreachableKeyStore">
    /// With <c>cache.snapshot</c> set, a Vault keystore that cannot be reached becomes a <see cref="DeferredKeyStore"/>
    /// instead of failing (the first start only: a reload during an outage keeps the running state instead).
    /// </param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<ServerState> CreateAsync(
        ServerConfig config,
        DateTimeOffset startTime,
        KeyStoreContext keyStoreContext,
        IKeyStore? keyStore = null,
        X509Certificate2Collection? certificate = null,
        bool allowUnreachableKeyStore = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var chain = certificate ?? ServerCertificateLoader.Load(config.Tls.CertificatePath, config.Tls.KeyPath, config.Tls.Password);
        var policies = PolicySet.Create(
            config.Admin,
            config.Policies.Select(p => new KesPolicy(p.Name, p.Allow, p.Deny, p.Identities)),
            startTime);
        var routes = KesRouteTable.Create(KesApi.DefaultRoutes, config.Api);
        var clientPolicy = new ClientCertificatePolicy(
            Required: !routes.SomeRouteSkipsAuth,
            Verify: config.Tls.VerifyClientCertificates,
            ExtraRoots: LoadCas(config.Tls.CaPath));

        // The keystore connects last, so a bad certificate or policy never costs a Vault login.
        keyStore ??= allowUnreachableKeyStore && config.Cache.Snapshot is not null && config.KeyStore is VaultKeyStoreConfig vault
            ? await ConnectVaultOrDeferAsync(vault, keyStoreContext, cancellationToken).ConfigureAwait(false)
            : await CreateKeyStoreAsync(config.KeyStore ?? throw new InvalidOperationException("keystore: no keystore configured"), keyStoreContext, cancellationToken).ConfigureAwait(false);
        return new ServerState(
            config,
            policies,
            routes,
            keyStore,
            CreateCache(keyStore, config.Cache, keyStoreContext),
            SslStreamCertificateContext.Create(chain[0], [.. chain.Skip(1)], offline: true),
            clientPolicy);
    }

    /// <summary>Opens the keystore a config names; a Vault keystore logs in before this returns.</summary>
    public static async Task<IKeyStore> CreateKeyStoreAsync(KeyStoreConfig config, KeyStoreContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        switch (config)
        {
            case MemoryKeyStoreConfig:
                return new MemoryKeyStore();
            case FsKeyStoreConfig fs:
                return OpenFileStore(fs.Path);
            case VaultKeyStoreConfig vault:
                try
                {
                    return await VaultKeyStore.ConnectAsync(ToVaultOptions(vault, context.Time), context.Logger, cancellationToken).ConfigureAwait(false);
                }
                catch (KeyStoreException ex)
                {
                    throw new InvalidOperationException($"keystore.vault: cannot connect to Vault at {vault.Endpoint}: {ex.Message}", ex);
                }

            default:
                throw new InvalidOperationException(
                    $"keystore.{config.Kind}: this KesGateway version cannot serve a '{config.Kind}' keystore. "
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
    internal static KeyCache CreateCache(IKeyStore store, CacheConfig config, KeyStoreContext context)
    {
        var cache = new KeyCache(store, new KeyCacheOptions
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

    private static FileKeyStore OpenFileStore(string path)
    {
        try
        {
            return new FileKeyStore(path);
        }
        catch (KeyStoreException ex)
        {
            throw new InvalidOperationException($"keystore.fs.path: {ex.Message}", ex);
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

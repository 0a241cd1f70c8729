using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Filesystem;
using KesGateway.Core.Keystore.Memory;
using KesGateway.Core.Policy;
using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Server.Tls;

namespace KesGateway.Server.Hosting;

/// <summary>Turns a validated configuration into a runnable <see cref="ServerState"/>: certificate, policies, routes, keystore.</summary>
public static class ServerStateFactory
{
    /// <summary>Builds the state, connecting to the keystore; throws <see cref="InvalidOperationException"/> with an actionable message when it cannot.</summary>
    public static async Task<ServerState> CreateAsync(
        ServerConfig config,
        DateTimeOffset startTime,
        IKeyStore? keyStore = null,
        X509Certificate2Collection? certificate = null,
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
        keyStore ??= await CreateKeyStoreAsync(config.KeyStore, cancellationToken).ConfigureAwait(false);
        return new ServerState(
            config,
            policies,
            routes,
            keyStore,
            SslStreamCertificateContext.Create(chain[0], [.. chain.Skip(1)], offline: true),
            clientPolicy);
    }

    /// <summary>Opens the keystore a config names.</summary>
    public static Task<IKeyStore> CreateKeyStoreAsync(KeyStoreConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Task.FromResult<IKeyStore>(config switch
        {
            MemoryKeyStoreConfig => new MemoryKeyStore(),
            FsKeyStoreConfig fs => OpenFileStore(fs.Path),
            _ => throw new InvalidOperationException(
                $"keystore.{config.Kind}: this KesGateway version cannot serve a '{config.Kind}' keystore yet. "
                + "The configuration is valid; use keystore.fs (or kesgw server --dev) until support lands (the Vault keystore is next)."),
        });
    }

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

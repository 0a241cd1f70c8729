using System.Collections.Frozen;
using System.Net.Security;
using KesGateway.Core.Keystore;
using KesGateway.Core.Policy;
using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Server.Tls;

namespace KesGateway.Server.Hosting;

/// <summary>Everything a request to one tenant needs, as one immutable snapshot swapped whole on reload.</summary>
/// <param name="Config">The tenant's validated configuration.</param>
/// <param name="Policies">The admin identity and policies.</param>
/// <param name="Routes">The route table after <c>api:</c> overrides.</param>
/// <param name="KeyStore">The keystore, or <see langword="null"/> for a tenant that only forwards.</param>
/// <param name="Keys">The cache of parsed keys in front of <paramref name="KeyStore"/>: the hot path reads through it.</param>
/// <param name="ServerCertificate">The certificate and chain presented for the tenant's hosts.</param>
/// <param name="ClientCertificates">How client certificates are requested and verified.</param>
/// <param name="Native">The route paths served natively; every other route is forwarded to <see cref="TenantConfig.Upstream"/>.</param>
public sealed record TenantState(
    TenantConfig Config,
    PolicySet Policies,
    KesRouteTable Routes,
    IKeyStore? KeyStore,
    KeyCache? Keys,
    SslStreamCertificateContext ServerCertificate,
    ClientCertificatePolicy ClientCertificates,
    FrozenSet<string> Native)
{
    private Tenancy.TenantFeature? _feature;

    // A copy (`with`) is another tenant snapshot: it must not share the original's cached feature.
    private TenantState(TenantState original)
    {
        Config = original.Config;
        Policies = original.Policies;
        Routes = original.Routes;
        KeyStore = original.KeyStore;
        Keys = original.Keys;
        ServerCertificate = original.ServerCertificate;
        ClientCertificates = original.ClientCertificates;
        Native = original.Native;
    }

    /// <summary>Gets the tenant's name.</summary>
    public string Name => Config.Name;

    /// <summary>Gets a value indicating whether this is the <c>default</c> tenant (the top-level sections of a KES config).</summary>
    public bool IsDefault => Config.Name == TenantConfig.DefaultName;

    /// <summary>Gets the request feature naming this tenant, made once per snapshot rather than per request.</summary>
    public Tenancy.TenantFeature Feature => _feature ??= new Tenancy.TenantFeature(this);

    /// <summary>Gets the upstream cluster forwarded routes go to, or <see langword="null"/>.</summary>
    public string? Upstream => Config.Upstream;

    /// <summary>Reports whether the tenant serves <paramref name="route"/> itself rather than forwarding it.</summary>
    public bool IsNative(KesRoute route) => Native.Contains(route.Path);
}

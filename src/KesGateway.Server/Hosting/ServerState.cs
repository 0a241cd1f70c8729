using System.Net.Security;
using KesGateway.Core.Keystore;
using KesGateway.Core.Policy;
using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Server.Tls;

namespace KesGateway.Server.Hosting;

/// <summary>Everything a request needs from the configuration, as one immutable snapshot swapped whole on reload.</summary>
/// <param name="Config">The validated configuration.</param>
/// <param name="Policies">The admin identity and policies.</param>
/// <param name="Routes">The route table after <c>api:</c> overrides.</param>
/// <param name="KeyStore">The keystore.</param>
/// <param name="Keys">The cache of parsed keys in front of <paramref name="KeyStore"/>: the hot path reads through it.</param>
/// <param name="ServerCertificate">The server's certificate and chain, ready for the TLS handshake.</param>
/// <param name="ClientCertificates">How client certificates are requested and verified.</param>
public sealed record ServerState(
    ServerConfig Config,
    PolicySet Policies,
    KesRouteTable Routes,
    IKeyStore KeyStore,
    KeyCache Keys,
    SslStreamCertificateContext ServerCertificate,
    ClientCertificatePolicy ClientCertificates);

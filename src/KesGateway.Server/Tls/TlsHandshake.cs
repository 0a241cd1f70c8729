using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Server.Authentication;
using KesGateway.Server.Hosting;
using KesGateway.Server.Tenancy;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace KesGateway.Server.Tls;

/// <summary>Builds each connection's TLS options from the current state, and computes the client identity in the handshake.</summary>
/// <remarks>
/// One callback per connection is the single mechanism for both the server certificate (chosen by SNI per tenant, swapped on
/// reload) and the identity: the validation callback sees the whole chain the client sent, which KES's
/// rules need (CA certificates skipped, exactly one leaf), and the result is kept on the connection for its requests.
/// </remarks>
public static class TlsHandshake
{
    /// <summary>Creates Kestrel's handshake callback options over the state <paramref name="state"/> returns when a connection arrives.</summary>
    /// <remarks>A function, because Kestrel is configured before the first state exists (the keystore connects after the host is built).</remarks>
    /// <param name="state">Returns the state holder (set once the host is built).</param>
    /// <param name="refused">Called with the server name of a handshake refused because no tenant serves it.</param>
    public static TlsHandshakeCallbackOptions Create(Func<GatewayStateHolder> state, Action<string>? refused = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = TimeSpan.FromSeconds(10),
            OnConnection = context =>
            {
                // SNI picks the tenant, and with it the certificate and the client-certificate rules.
                var serverName = context.ClientHelloInfo.ServerName;
                var current = state().Current.ForServerName(serverName);
                if (current is null)
                {
                    refused?.Invoke(serverName);
                    throw new AuthenticationException($"no tenant serves the TLS server name '{serverName}'");
                }

                var policy = current.ClientCertificates;
                var items = context.Connection.Items;
                items[TenancyMiddleware.ItemKey] = current.Name;
                var options = new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = current.ServerCertificate,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateRequired = true,
                    ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                    {
                        if (certificate is null)
                        {
                            items[ConnectionIdentity.ItemKey] = new ConnectionIdentity(null, Core.Protocol.KesErrors.ClientCertificateRequired);
                            return !policy.Required;
                        }

                        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());

                        // ExtraStore holds the other certificates the client sent, in the order it sent them.
                        var presented = new List<X509Certificate2> { leaf };
                        if (chain is not null)
                        {
                            presented.AddRange(chain.ChainPolicy.ExtraStore);
                        }

                        items[ConnectionIdentity.ItemKey] = AuthenticationMiddleware.FromChain(presented);
                        return policy.Accepts(leaf, presented.Skip(1));
                    },
                };
                return ValueTask.FromResult(options);
            },
        };
    }
}

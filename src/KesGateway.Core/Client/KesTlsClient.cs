using System.Text;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace KesGateway.Core.Client;

/// <summary>
/// BouncyCastle's view of one client handshake: TLS 1.2/1.3, ALPN, SNI for host names, the server check and the
/// client certificate. One instance per connection (BouncyCastle keeps per-handshake state in it).
/// </summary>
internal sealed class KesTlsClient : DefaultTlsClient
{
    private readonly TlsSettings _settings;
    private readonly string _host;
    private readonly bool _sendServerName;

    /// <summary>Creates the handshake peer for <paramref name="host"/>.</summary>
    public KesTlsClient(BcTlsCrypto crypto, TlsSettings settings, string host, bool sendServerName)
        : base(crypto)
    {
        _settings = settings;
        _host = host;
        _sendServerName = sendServerName;
    }

    /// <summary>Gets why the server certificate was rejected, once it was.</summary>
    public string? VerificationFailure { get; private set; }

    /// <summary>Gets the client certificate problem found while answering the server's request, if any.</summary>
    public string? CredentialFailure { get; private set; }

    /// <summary>Gets whether a client certificate is configured (it is presented when the server asks for one).</summary>
    public bool PresentsCertificate => _settings.Credentials is not null;

    /// <summary>Gets the negotiated protocol version once the handshake is done.</summary>
    public ProtocolVersion? NegotiatedVersion => m_context?.ServerVersion;

    /// <summary>Gets the negotiated ALPN protocol, or null when the server chose none.</summary>
    public string? NegotiatedApplicationProtocol => m_context?.SecurityParameters?.ApplicationProtocol?.GetUtf8Decoding();

    /// <inheritdoc/>
    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    /// <inheritdoc/>
    /// <remarks>HTTP framing detects truncation; KES and Kestrel may close idle connections without close_notify.</remarks>
    public override bool RequiresCloseNotify() => false;

    /// <inheritdoc/>
    protected override ProtocolVersion[] GetSupportedVersions() => _settings.Versions;

    /// <inheritdoc/>
    protected override IList<ProtocolName> GetProtocolNames() => [ProtocolName.Http_1_1];

    /// <inheritdoc/>
    protected override IList<ServerName>? GetSniServerNames() =>
        _sendServerName ? [new ServerName(NameType.host_name, Encoding.ASCII.GetBytes(_host))] : null;

    private sealed class Authentication(KesTlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            if (client._settings.Verifier is not { } verifier)
            {
                return;
            }

            var chain = serverCertificate.Certificate.GetCertificateList().Select(c => c.GetEncoded()).ToArray();
            if (verifier.Verify(chain, client._host) is { } failure)
            {
                client.VerificationFailure = failure;
                throw new TlsFatalAlert(AlertDescription.bad_certificate, failure);
            }
        }

        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest)
        {
            if (client._settings.Credentials is not { } credentials)
            {
                return null;
            }

            var signer = credentials.CreateSigner(client.m_context, (BcTlsCrypto)client.Crypto, certificateRequest);
            if (signer is null)
            {
                client.CredentialFailure = $"the server accepts no signature scheme for the client's {credentials.KeyType} key";
            }

            return signer;
        }
    }
}

using System.Net;
using System.Net.Sockets;
using KesGateway.Core.Identity;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace KesGateway.FunctionalTests.Client;

/// <summary>
/// A TLS server that demands a client certificate and refuses the handshake without one, with the alerts Go's crypto/tls
/// (and so KES without skip_auth) sends: certificate_required in TLS 1.3, bad_certificate in TLS 1.2. .NET's SslStream
/// cannot stand in: it checks client certificates after the handshake and closes without an alert.
/// </summary>
internal sealed class BcTlsTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public BcTlsTestServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        using var apiKey = ApiKey.Generate();
        var certificate = ClientCertificateFactory.Create(apiKey, TimeProvider.System);
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            _ = Task.Run(() => Serve(socket, certificate));
        }
    }

    private static void Serve(Socket socket, Ed25519Certificate certificate)
    {
        using (socket)
        using (var stream = new NetworkStream(socket, ownsSocket: false))
        {
            try
            {
                new TlsServerProtocol(stream).Accept(new RequireClientCertificate(certificate));
            }
            catch (IOException)
            {
                // The refusal: BouncyCastle has sent the alert.
            }
        }
    }

    private sealed class RequireClientCertificate(Ed25519Certificate certificate) : DefaultTlsServer(new BcTlsCrypto(new SecureRandom()))
    {
        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.TLSv13.DownTo(ProtocolVersion.TLSv12);

        // The key is Ed25519, so TLS 1.2 needs an ECDHE_ECDSA suite (RFC 8422); BouncyCastle would otherwise pick ECDHE_RSA.
        protected override int[] GetSupportedCipherSuites() =>
            [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];

        public override TlsCredentials GetCredentials()
        {
            var crypto = (BcTlsCrypto)Crypto;
            var tlsCertificate = crypto.CreateCertificate(certificate.RawData.ToArray());
            var chain = TlsUtilities.IsTlsV13(m_context)
                ? new Certificate(TlsUtilities.EmptyBytes, [new CertificateEntry(tlsCertificate, null)])
                : new Certificate([tlsCertificate]);
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, certificate.PrivateKey, chain, SignatureAndHashAlgorithm.ed25519);
        }

        public override CertificateRequest GetCertificateRequest()
        {
            var algorithms = TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context);
            return TlsUtilities.IsTlsV13(m_context)
                ? new CertificateRequest(TlsUtilities.EmptyBytes, algorithms, null, null)
                : new CertificateRequest([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], algorithms, null);
        }

        public override void NotifyClientCertificate(Certificate clientCertificate)
        {
            if (clientCertificate.IsEmpty)
            {
                throw new TlsFatalAlert(TlsUtilities.IsTlsV13(m_context) ? AlertDescription.certificate_required : AlertDescription.bad_certificate);
            }
        }
    }
}

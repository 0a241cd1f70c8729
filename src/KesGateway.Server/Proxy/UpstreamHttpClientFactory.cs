using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace KesGateway.Server.Proxy;

/// <summary>
/// Builds each upstream cluster's <see cref="HttpMessageInvoker"/>: it presents the gateway's client certificate and
/// verifies the KES server's certificate against the configured CA (or the system roots). YARP's active health checks
/// use the same client, so probes present the gateway's identity too.
/// </summary>
internal sealed class UpstreamHttpClientFactory : ForwarderHttpClientFactory
{
    private readonly KesProxyConfigProvider _provider;
    private readonly ILogger<UpstreamHttpClientFactory> _logger;

    public UpstreamHttpClientFactory(KesProxyConfigProvider provider, ILoggerFactory loggers)
        : base(loggers.CreateLogger<ForwarderHttpClientFactory>())
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
        _logger = loggers.CreateLogger<UpstreamHttpClientFactory>();
    }

    /// <inheritdoc/>
    protected override bool CanReuseOldClient(ForwarderHttpClientContext context) =>
        base.CanReuseOldClient(context) && FingerprintOf(context.OldMetadata) == FingerprintOf(context.NewMetadata);

    /// <inheritdoc/>
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        var material = _provider.FindTls(context.NewMetadata)
            ?? throw new InvalidOperationException($"upstream '{context.ClusterId}': its TLS material is not loaded; apply its configuration through KesProxyConfigProvider");

        // An upstream that died without closing its HTTP/2 connection is found out by pings, not by the timeout.
        handler.KeepAlivePingDelay = TimeSpan.FromSeconds(15);
        handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(10);
        handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;

        var ssl = handler.SslOptions;
        ssl.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
        if (material.ClientCertificateContext is { } identity)
        {
            // Presented whatever CAs the upstream names in its request, as KES's own client does.
            ssl.ClientCertificateContext = identity;
        }

        if (material.SkipVerify)
        {
            ProxyLog.TlsVerificationDisabled(_logger, context.ClusterId);
#pragma warning disable CA5359 // Explicit, per-cluster opt-in (tls.skip_verify), warned about every time a client is built.
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (material.Authorities is not null)
        {
            var logger = _logger;
            var cluster = context.ClusterId;
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (material.Validate(certificate, chain, errors, out var rejection))
                {
                    return true;
                }

                ProxyLog.CertificateRejected(logger, cluster, rejection);
                return false;
            };
        }

        ProxyLog.ClientCreated(_logger, context.ClusterId, material.ClientCertificate?.Subject ?? "none");
    }

    private static string? FingerprintOf(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(UpstreamRoutes.TlsFingerprintMetadata, out var value) ? value : null;
}

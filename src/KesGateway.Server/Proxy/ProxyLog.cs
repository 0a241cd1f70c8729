using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Proxy;

/// <summary>The forwarding module's log events (ids 400–419). Only names, addresses, methods, paths and reasons: never headers or bodies.</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(EventId = EventIds.UpstreamForwardFailed, EventName = nameof(EventIds.UpstreamForwardFailed), Level = LogLevel.Warning,
        Message = "upstream '{Upstream}': {Method} {Path} failed after {Attempts} attempt(s) ({Error}, last endpoint {Endpoint}): {Reason}")]
    public static partial void ForwardFailed(ILogger logger, string upstream, string method, string path, int attempts, string error, string endpoint, string reason);

    [LoggerMessage(EventId = EventIds.UpstreamFailover, EventName = nameof(EventIds.UpstreamFailover), Level = LogLevel.Information,
        Message = "upstream '{Upstream}': {Endpoint} unreachable ({Reason}); retrying {Method} {Path} on another endpoint")]
    public static partial void Failover(ILogger logger, string upstream, string endpoint, string reason, string method, string path);

    [LoggerMessage(EventId = EventIds.UpstreamNotConfigured, EventName = nameof(EventIds.UpstreamNotConfigured), Level = LogLevel.Error,
        Message = "{Method} {Path}: the request should be forwarded to upstream '{Upstream}', which is not configured")]
    public static partial void NotConfigured(ILogger logger, string method, string path, string upstream);

    [LoggerMessage(EventId = EventIds.UpstreamEndpointUnhealthy, EventName = nameof(EventIds.UpstreamEndpointUnhealthy), Level = LogLevel.Warning,
        Message = "upstream '{Upstream}': endpoint {Endpoint} is unhealthy ({Check} health check)")]
    public static partial void EndpointUnhealthy(ILogger logger, string upstream, string endpoint, string check);

    [LoggerMessage(EventId = EventIds.UpstreamEndpointHealthy, EventName = nameof(EventIds.UpstreamEndpointHealthy), Level = LogLevel.Information,
        Message = "upstream '{Upstream}': endpoint {Endpoint} is {Health} ({Check} health check)")]
    public static partial void EndpointHealthy(ILogger logger, string upstream, string endpoint, string health, string check);

    [LoggerMessage(EventId = EventIds.UpstreamTlsVerificationDisabled, EventName = nameof(EventIds.UpstreamTlsVerificationDisabled), Level = LogLevel.Warning,
        Message = "upstream '{Upstream}': tls.skip_verify is on, the KES servers' certificates are NOT verified; anyone on the network path can impersonate them")]
    public static partial void TlsVerificationDisabled(ILogger logger, string upstream);

    [LoggerMessage(EventId = EventIds.UpstreamCertificateRejected, EventName = nameof(EventIds.UpstreamCertificateRejected), Level = LogLevel.Warning,
        Message = "upstream '{Upstream}': {Reason}")]
    public static partial void CertificateRejected(ILogger logger, string upstream, string reason);

    [LoggerMessage(EventId = EventIds.UpstreamClientCreated, EventName = nameof(EventIds.UpstreamClientCreated), Level = LogLevel.Debug,
        Message = "upstream '{Upstream}': new HTTP client, client certificate {Subject}")]
    public static partial void ClientCreated(ILogger logger, string upstream, string subject);
}

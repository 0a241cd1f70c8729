using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Tls;

/// <summary>Log events of the TLS edge.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = EventIds.UnknownServerNameRefused, EventName = nameof(EventIds.UnknownServerNameRefused), Level = LogLevel.Information,
        Message = "refused a TLS connection for server name '{ServerName}': no tenant serves it (gateway.unknown_hosts: refuse)")]
    public static partial void Refused(ILogger logger, string serverName);
}

using KesGateway.Core.Keystore;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Hosting;

/// <summary>Log lines for keystore outages: one per transition, never one per request.</summary>
internal static partial class KeyCacheLog
{
    public static void StateChanged(ILogger logger, string keyStore, KeyStoreStateChangedEventArgs change)
    {
        if (change.IsOffline)
        {
            KeyStoreOffline(logger, keyStore, change.Error?.Message ?? "no answer");
        }
        else
        {
            KeyStoreOnline(logger, keyStore);
        }
    }

    [LoggerMessage(EventId = EventIds.KeyStoreOffline, EventName = nameof(EventIds.KeyStoreOffline), Level = LogLevel.Warning,
        Message = "keystore {KeyStore} is offline, serving cached keys only: {Error}")]
    private static partial void KeyStoreOffline(ILogger logger, string keyStore, string error);

    [LoggerMessage(EventId = EventIds.KeyStoreOnline, EventName = nameof(EventIds.KeyStoreOnline), Level = LogLevel.Information,
        Message = "keystore {KeyStore} is online again")]
    private static partial void KeyStoreOnline(ILogger logger, string keyStore);
}

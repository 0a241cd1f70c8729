using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Hosting;

/// <summary>Log lines of the warm-start snapshot; never key material, never the snapshot key.</summary>
internal static partial class SnapshotLog
{
    // Kept next to the messages while the snapshot is a branch of its own; they belong in EventIds (the 2xx keystore range).

    [LoggerMessage(EventId = EventIds.SnapshotLoaded, EventName = nameof(EventIds.SnapshotLoaded), Level = LogLevel.Warning,
        Message = "warm start: {Count} keys from the snapshot {Path} taken {Age} ago; they serve only while keystore {KeyStore} is offline, until {Until:O}")]
    public static partial void Loaded(ILogger logger, int count, string path, TimeSpan age, string keyStore, DateTimeOffset until);

    [LoggerMessage(EventId = EventIds.SnapshotStale, EventName = nameof(EventIds.SnapshotStale), Level = LogLevel.Warning,
        Message = "warm start: the snapshot {Path} was taken {Age} ago, longer than the offline budget (cache.expiry.offline {Offline}); starting without it")]
    public static partial void Stale(ILogger logger, string path, TimeSpan age, TimeSpan offline);

    [LoggerMessage(EventId = EventIds.SnapshotRefused, EventName = nameof(EventIds.SnapshotRefused), Level = LogLevel.Error,
        Message = "warm start: snapshot refused, starting without it: {Error}")]
    public static partial void Refused(ILogger logger, string error);

    [LoggerMessage(EventId = EventIds.SnapshotWriteFailed, EventName = nameof(EventIds.SnapshotWriteFailed), Level = LogLevel.Warning,
        Message = "cannot write the key cache snapshot (the previous one stays): {Error}")]
    public static partial void WriteFailed(ILogger logger, string error);

    [LoggerMessage(EventId = EventIds.SnapshotWritten, EventName = nameof(EventIds.SnapshotWritten), Level = LogLevel.Debug,
        Message = "key cache snapshot written: {Count} keys to {Path}")]
    public static partial void Written(ILogger logger, int count, string path);

    [LoggerMessage(EventId = EventIds.KeyStoreDeferred, EventName = nameof(EventIds.KeyStoreDeferred), Level = LogLevel.Warning,
        Message = "keystore {KeyStore} cannot be reached at start ({Error}); starting offline because cache.snapshot is set, connecting in the background")]
    public static partial void Deferred(ILogger logger, string keyStore, string error);

    [LoggerMessage(EventId = EventIds.KeyStoreStillUnreachable, EventName = nameof(EventIds.KeyStoreStillUnreachable), Level = LogLevel.Debug,
        Message = "keystore {KeyStore} still cannot be reached: {Error}")]
    public static partial void StillUnreachable(ILogger logger, string keyStore, string error);

    [LoggerMessage(EventId = EventIds.DeclaredKeysDeferred, EventName = nameof(EventIds.DeclaredKeysDeferred), Level = LogLevel.Warning,
        Message = "the keys the config declares are created once keystore {KeyStore} answers: it could not be reached at start")]
    public static partial void DeclaredKeysDeferred(ILogger logger, string keyStore);

    [LoggerMessage(EventId = EventIds.DeclaredKeysCreated, EventName = nameof(EventIds.DeclaredKeysCreated), Level = LogLevel.Information,
        Message = "the keys the config declares are created in keystore {KeyStore}")]
    public static partial void DeclaredKeysCreated(ILogger logger, string keyStore);

    [LoggerMessage(EventId = EventIds.DeclaredKeysFailed, EventName = nameof(EventIds.DeclaredKeysFailed), Level = LogLevel.Error,
        Message = "the keys the config declares could not be created in keystore {KeyStore}: {Error}")]
    public static partial void DeclaredKeysFailed(ILogger logger, string keyStore, string error);
}

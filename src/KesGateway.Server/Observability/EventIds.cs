namespace KesGateway.Server;

/// <summary>Every log event id of the server, in one registry so ids never collide.</summary>
internal static class EventIds
{
    public const int ServerStarted = 1;
    public const int ServerStopping = 2;
    public const int ConfigReloaded = 10;
    public const int ConfigReloadFailed = 11;
    public const int ConfigWarning = 12;
    public const int ConfigWatchTriggered = 13;
    public const int ConfigWatchFailed = 14;
    public const int AccessDeniedUnknownIdentity = 100;
    public const int AccessDeniedByPolicy = 101;
    public const int ClientIdentityRejected = 102;
    public const int UnknownServerNameRefused = 103;
    public const int KeyStoreError = 200;
    public const int KeyStoreCorruptKey = 202;
    public const int KeyStoreOffline = 203;
    public const int KeyStoreOnline = 204;
    public const int SnapshotLoaded = 210;
    public const int SnapshotStale = 211;
    public const int SnapshotRefused = 212;
    public const int SnapshotWriteFailed = 213;
    public const int KeyStoreDeferred = 214;
    public const int KeyStoreStillUnreachable = 215;
    public const int DeclaredKeysDeferred = 216;
    public const int SnapshotWritten = 217;
    public const int DeclaredKeysCreated = 218;
    public const int DeclaredKeysFailed = 219;
    public const int NotReady = 201;
    // 300–311: the Vault keystore in KesGateway.Core (Keystore/Vault/VaultLog.cs), which cannot see this class.
    // 400–419: forwarding to upstream KES clusters (Proxy/).
    public const int UpstreamForwardFailed = 400;
    public const int UpstreamFailover = 401;
    public const int UpstreamNotConfigured = 402;
    public const int UpstreamEndpointUnhealthy = 403;
    public const int UpstreamEndpointHealthy = 404;
    public const int UpstreamTlsVerificationDisabled = 405;
    public const int UpstreamCertificateRejected = 406;
    public const int UpstreamClientCreated = 407;
    // 420–429: shared rate-limit budgets in Redis (RateLimiting/).
    public const int RateLimitRedisUnavailable = 420;
    public const int RateLimitRedisAvailable = 421;
    public const int RateLimitRedisStillUnavailable = 422;
    public const int UnhandledError = 500;
}

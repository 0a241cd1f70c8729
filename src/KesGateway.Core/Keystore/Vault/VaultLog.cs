using Microsoft.Extensions.Logging;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>
/// Log events of the Vault keystore. Ids 300–319 are reserved for it (Core cannot see the server's registry). No event
/// carries a token, secret ID or JWT: error texts are scrubbed by <see cref="VaultSecrets"/> before they get here.
/// </summary>
internal static partial class VaultLog
{
    /// <summary>A login succeeded.</summary>
    public const int LoginSucceededId = 300;

    /// <summary>A login failed.</summary>
    public const int LoginFailedId = 301;

    /// <summary>The token was renewed.</summary>
    public const int TokenRenewedId = 302;

    /// <summary>A renewal failed; a login follows.</summary>
    public const int RenewalFailedId = 303;

    /// <summary>A renewal was capped below the renewal margin; a login follows.</summary>
    public const int RenewalCappedId = 304;

    /// <summary>A new token replaced the old one.</summary>
    public const int TokenSwitchedId = 305;

    /// <summary>Vault rejected the token as invalid; a login follows at once.</summary>
    public const int InvalidTokenId = 306;

    /// <summary>Vault became sealed.</summary>
    public const int SealedId = 307;

    /// <summary>Vault became unsealed.</summary>
    public const int UnsealedId = 308;

    /// <summary>A seal-state probe failed.</summary>
    public const int HealthProbeFailedId = 309;

    /// <summary>The token never expires, so it is not renewed.</summary>
    public const int TokenNeverExpiresId = 310;

    /// <summary>A call is repeated after a retryable failure.</summary>
    public const int RequestRetriedId = 311;

    /// <summary>Writes <see cref="LoginSucceededId"/>.</summary>
    [LoggerMessage(EventId = LoginSucceededId, EventName = "VaultLoginSucceeded", Level = LogLevel.Information,
        Message = "Logged in to Vault at {AuthPath}; the token is valid for {Ttl}, renewable: {Renewable}")]
    public static partial void LoginSucceeded(this ILogger logger, string authPath, TimeSpan ttl, bool renewable);

    /// <summary>Writes <see cref="LoginFailedId"/>.</summary>
    [LoggerMessage(EventId = LoginFailedId, EventName = "VaultLoginFailed", Level = LogLevel.Error,
        Message = "Login to Vault at {AuthPath} failed; retrying in {RetryIn}: {Error}")]
    public static partial void LoginFailed(this ILogger logger, string authPath, TimeSpan retryIn, string error);

    /// <summary>Writes <see cref="TokenRenewedId"/>.</summary>
    [LoggerMessage(EventId = TokenRenewedId, EventName = "VaultTokenRenewed", Level = LogLevel.Debug,
        Message = "Renewed the Vault token; it is valid for {Ttl}")]
    public static partial void TokenRenewed(this ILogger logger, TimeSpan ttl);

    /// <summary>Writes <see cref="RenewalFailedId"/>.</summary>
    [LoggerMessage(EventId = RenewalFailedId, EventName = "VaultRenewalFailed", Level = LogLevel.Warning,
        Message = "Renewing the Vault token failed; logging in again: {Error}")]
    public static partial void RenewalFailed(this ILogger logger, string error);

    /// <summary>Writes <see cref="RenewalCappedId"/>.</summary>
    [LoggerMessage(EventId = RenewalCappedId, EventName = "VaultRenewalCapped", Level = LogLevel.Information,
        Message = "The Vault token reached its maximum TTL ({Ttl} left); logging in again")]
    public static partial void RenewalCapped(this ILogger logger, TimeSpan ttl);

    /// <summary>Writes <see cref="TokenSwitchedId"/>.</summary>
    [LoggerMessage(EventId = TokenSwitchedId, EventName = "VaultTokenSwitched", Level = LogLevel.Debug,
        Message = "Switched to the new Vault token after waiting {Delay} for it to replicate")]
    public static partial void TokenSwitched(this ILogger logger, TimeSpan delay);

    /// <summary>Writes <see cref="InvalidTokenId"/>.</summary>
    [LoggerMessage(EventId = InvalidTokenId, EventName = "VaultInvalidToken", Level = LogLevel.Warning,
        Message = "Vault rejected the token as invalid (expired or revoked); logging in again")]
    public static partial void InvalidToken(this ILogger logger);

    /// <summary>Writes <see cref="SealedId"/>.</summary>
    [LoggerMessage(EventId = SealedId, EventName = "VaultSealed", Level = LogLevel.Warning,
        Message = "Vault at {Endpoint} is sealed; key operations fail until it is unsealed")]
    public static partial void Sealed(this ILogger logger, string endpoint);

    /// <summary>Writes <see cref="UnsealedId"/>.</summary>
    [LoggerMessage(EventId = UnsealedId, EventName = "VaultUnsealed", Level = LogLevel.Information,
        Message = "Vault at {Endpoint} is unsealed")]
    public static partial void Unsealed(this ILogger logger, string endpoint);

    /// <summary>Writes <see cref="HealthProbeFailedId"/>.</summary>
    [LoggerMessage(EventId = HealthProbeFailedId, EventName = "VaultHealthProbeFailed", Level = LogLevel.Debug,
        Message = "Probing Vault's seal state failed; keeping the last known state: {Error}")]
    public static partial void HealthProbeFailed(this ILogger logger, string error);

    /// <summary>Writes <see cref="TokenNeverExpiresId"/>.</summary>
    [LoggerMessage(EventId = TokenNeverExpiresId, EventName = "VaultTokenNeverExpires", Level = LogLevel.Information,
        Message = "The Vault token has no TTL; it is not renewed")]
    public static partial void TokenNeverExpires(this ILogger logger);

    /// <summary>Writes <see cref="RequestRetriedId"/>.</summary>
    [LoggerMessage(EventId = RequestRetriedId, EventName = "VaultRequestRetried", Level = LogLevel.Debug,
        Message = "Vault call {Method} {Path} failed ({Reason}); attempt {Attempt} follows in {Delay}")]
    public static partial void RequestRetried(this ILogger logger, string method, string path, string reason, int attempt, TimeSpan delay);
}

using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json.Serialization.Metadata;
using KesGateway.Core.Crypto;
using KesGateway.Core.Keystore;
using KesGateway.Core.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KesGateway.Server.Endpoints;

/// <summary>The key API (kes-compat §2.6–2.14) and the legacy bulk decrypt, served from the keystore.</summary>
internal static partial class KeyEndpoints
{
    /// <summary>The most ciphertexts one bulk decrypt may carry, as KES ≤ v0.22 allowed.</summary>
    public const int MaxBulkItems = 1000;

    public static async Task CreateAsync(HttpContext context)
    {
        if (Begin(context, out var request) is not { } name)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.InvalidKeyName(request.Resource)).ConfigureAwait(false);
            return;
        }

        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        using var key = KeyVersion.Generate(PlatformKeyType, request.Identity ?? string.Empty, time);
        await StoreAsync(context, request, name, key).ConfigureAwait(false);
    }

    public static async Task ImportAsync(HttpContext context)
    {
        var (ok, body) = await ReadRequestAsync(context, KesJsonContext.Default.ImportKeyRequest, KesErrors.InvalidImportBody).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        var cipher = body?.Cipher ?? string.Empty;
        if (!IsImportCipher(cipher, out var type))
        {
            await KesResults.WriteErrorAsync(context, KesErrors.AlgorithmNotSupported(cipher)).ConfigureAwait(false);
            return;
        }

        var material = body?.Key ?? [];
        try
        {
            if (material.Length != SecretKey.KeySize)
            {
                await KesResults.WriteErrorAsync(context, KesErrors.InvalidKeySize(cipher)).ConfigureAwait(false);
                return;
            }

            var time = context.RequestServices.GetRequiredService<TimeProvider>();
            using var key = KeyVersion.Import(material, type, request.Identity ?? string.Empty, time);
            await StoreAsync(context, request, request.Resource, key).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    public static async Task DescribeAsync(HttpContext context)
    {
        using var lease = await ReadKeyAsync(context).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }

        var key = lease.Key;

        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        await KesResults.WriteJsonAsync(
            context,
            new DescribeKeyResponse
            {
                Name = request.Resource,
                Algorithm = KeyTypeNames.GetDisplayName(key.Key.Type),
                CreatedAt = key.CreatedAt ?? new DateTimeOffset(DateTime.MinValue, TimeSpan.Zero),
                CreatedBy = string.IsNullOrEmpty(key.CreatedBy) ? null : key.CreatedBy,
            },
            KesJsonContext.Default.DescribeKeyResponse).ConfigureAwait(false);
    }

    public static async Task ListAsync(HttpContext context)
    {
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        if (!KesNames.IsValidPattern(request.Resource))
        {
            await KesResults.WriteErrorAsync(context, KesErrors.InvalidPattern(request.Resource)).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<string> names;
        try
        {
            // KES passes "abc*" to the store literally and finds nothing; we strip the star (kes-compat §2.9).
            names = await request.KeyStore.ListAsync(KesNames.PatternToPrefix(request.Resource), context.RequestAborted).ConfigureAwait(false);
        }
        catch (KeyStoreException ex)
        {
            LogKeyStoreError(Logger(context), "list keys", ex.Message);
            await KesResults.WriteErrorAsync(context, KesErrors.ListKeysFailed).ConfigureAwait(false);
            return;
        }

        await KesResults.WriteJsonAsync(context, new ListKeysResponse { Names = names }, KesJsonContext.Default.ListKeysResponse).ConfigureAwait(false);
    }

    public static async Task DeleteAsync(HttpContext context)
    {
        if (Begin(context, out var request) is not { } name)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.InvalidKeyName(request.Resource)).ConfigureAwait(false);
            return;
        }

        bool deleted;
        try
        {
            deleted = await request.KeyStore.DeleteAsync(name, context.RequestAborted).ConfigureAwait(false);

            // After the store, as KES does: a failed delete leaves the cached key serving.
            request.Keys.Invalidate(name);
        }
        catch (KeyStoreException ex)
        {
            LogKeyStoreError(Logger(context), "delete key", ex.Message);
            await KesResults.WriteErrorAsync(context, KesErrors.DeleteKeyFailed).ConfigureAwait(false);
            return;
        }

        await (deleted ? KesResults.WriteEmptyAsync(context) : KesResults.WriteErrorAsync(context, KesErrors.KeyNotFound)).ConfigureAwait(false);
    }

    public static async Task GenerateAsync(HttpContext context)
    {
        byte[]? associatedData = null;

        // KES decodes the body only when one is announced; MinIO always sends at least "{}".
        if (RequestBody.HasBody(context.Request))
        {
            var (ok, body) = await ReadRequestAsync(context, KesJsonContext.Default.GenerateKeyRequest, KesErrors.InvalidRequestBody).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }

            associatedData = body?.Context;
        }

        using var lease = await ReadKeyAsync(context).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }

        var key = lease.Key;

        using var dataKey = key.Key.GenerateDataKey(associatedData);
        await KesResults.WriteJsonAsync(
            context,
            new GenerateKeyResponse { Plaintext = dataKey.Plaintext, Ciphertext = dataKey.Ciphertext },
            KesJsonContext.Default.GenerateKeyResponse).ConfigureAwait(false);
    }

    public static async Task EncryptAsync(HttpContext context)
    {
        var (ok, body) = await ReadRequestAsync(context, KesJsonContext.Default.EncryptKeyRequest, KesErrors.InvalidRequestBody).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        using var lease = await ReadKeyAsync(context).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }

        var key = lease.Key;

        var plaintext = body?.Plaintext ?? [];
        try
        {
            var ciphertext = key.Key.Encrypt(plaintext, body?.Context);
            await KesResults.WriteJsonAsync(context, new EncryptKeyResponse { Ciphertext = ciphertext }, KesJsonContext.Default.EncryptKeyResponse).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static async Task DecryptAsync(HttpContext context)
    {
        var (ok, body) = await ReadRequestAsync(context, KesJsonContext.Default.DecryptKeyRequest, KesErrors.InvalidRequestBody).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        using var lease = await ReadKeyAsync(context).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }

        var key = lease.Key;

        if (Open(key.Key, body) is not { } plaintext)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.DecryptionFailed).ConfigureAwait(false);
            return;
        }

        try
        {
            await KesResults.WriteJsonAsync(context, new DecryptKeyResponse { Plaintext = plaintext }, KesJsonContext.Default.DecryptKeyResponse).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The legacy <c>/v1/key/bulk/decrypt/</c> of KES v0.19–v0.22, still called by MinIO releases of 2022–2023.</summary>
    public static async Task BulkDecryptAsync(HttpContext context)
    {
        var (ok, items) = await ReadRequestAsync(context, KesJsonContext.Default.IReadOnlyListDecryptKeyRequest, KesErrors.InvalidRequestBody).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        items ??= [];
        if (items.Count > MaxBulkItems)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.TooManyCiphertexts).ConfigureAwait(false);
            return;
        }

        using var lease = await ReadKeyAsync(context).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }

        var key = lease.Key;

        var results = new List<DecryptKeyResponse>(items.Count);
        try
        {
            foreach (var item in items)
            {
                // As in KES, the first failure fails the whole request.
                if (Open(key.Key, item) is not { } plaintext)
                {
                    await KesResults.WriteErrorAsync(context, KesErrors.DecryptionFailed).ConfigureAwait(false);
                    return;
                }

                results.Add(new DecryptKeyResponse { Plaintext = plaintext });
            }

            await KesResults.WriteJsonAsync(context, results, KesJsonContext.Default.IReadOnlyListDecryptKeyResponse).ConfigureAwait(false);
        }
        finally
        {
            foreach (var result in results)
            {
                CryptographicOperations.ZeroMemory(result.Plaintext);
            }
        }
    }

    public static async Task HmacAsync(HttpContext context)
    {
        var (ok, body) = await ReadRequestAsync(context, KesJsonContext.Default.HmacRequest, KesErrors.InvalidRequestBody).ConfigureAwait(false);
        if (!ok)
        {
            return;
        }

        using var lease = await ReadKeyAsync(context).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }

        var key = lease.Key;

        if (key.HmacKey is not { } hmacKey)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.HmacNotSupported).ConfigureAwait(false);
            return;
        }

        var mac = hmacKey.Compute(body?.Message ?? []);
        await KesResults.WriteJsonAsync(context, new HmacResponse { Hmac = mac }, KesJsonContext.Default.HmacResponse).ConfigureAwait(false);
    }

    /// <summary>Gets the type new keys get: AES256 where the CPU accelerates AES-GCM, else ChaCha20, as KES chooses.</summary>
    internal static KeyType PlatformKeyType { get; } =
        (System.Runtime.Intrinsics.X86.Aes.IsSupported && System.Runtime.Intrinsics.X86.Pclmulqdq.IsSupported)
        || (System.Runtime.Intrinsics.Arm.Aes.IsSupported)
            ? KeyType.AES256
            : KeyType.ChaCha20;

    private static bool IsImportCipher(string cipher, out KeyType type)
    {
        switch (cipher)
        {
            case "AES256" or "AES256-GCM_SHA256":
                type = KeyType.AES256;
                return true;
            case "ChaCha20" or "XCHACHA20-POLY1305":
                type = KeyType.ChaCha20;
                return true;
            default:
                type = default;
                return false;
        }
    }

    private static byte[]? Open(SecretKey key, DecryptKeyRequest? item)
    {
        var ciphertext = item?.Ciphertext ?? [];
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(ciphertext.Length, 1));
        try
        {
            return key.TryDecrypt(ciphertext, item?.Context, buffer, out var written)
                ? buffer.AsSpan(0, written).ToArray()
                : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>Checks the key name, then reads the JSON body, answering either error itself; KES checks the name first.</summary>
    private static async ValueTask<(bool Ok, T? Body)> ReadRequestAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, KesError invalidBody)
    {
        if (Begin(context, out var request) is null)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.InvalidKeyName(request.Resource)).ConfigureAwait(false);
            return (false, default);
        }

        var (ok, body) = await RequestBody.TryReadJsonAsync(context, typeInfo, request.Route.MaxBody).ConfigureAwait(false);
        if (!ok)
        {
            await KesResults.WriteErrorAsync(context, invalidBody).ConfigureAwait(false);
        }

        return (ok, body);
    }

    private static string? Begin(HttpContext context, out KesRequestFeature request)
    {
        request = context.Features.GetRequiredFeature<KesRequestFeature>();
        return KesNames.IsValidName(request.Resource) ? request.Resource : null;
    }

    private static async Task StoreAsync(HttpContext context, KesRequestFeature request, string name, KeyVersion key)
    {
        var encoded = key.EncodeToUtf8();
        try
        {
            var created = await request.KeyStore.CreateAsync(name, encoded, context.RequestAborted).ConfigureAwait(false);
            await (created ? KesResults.WriteEmptyAsync(context) : KesResults.WriteErrorAsync(context, KesErrors.KeyExists)).ConfigureAwait(false);
        }
        catch (KeyStoreException ex)
        {
            LogKeyStoreError(Logger(context), "create key", ex.Message);
            await KesResults.WriteErrorAsync(context, KesErrors.CreateKeyFailed).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
        }
    }

    /// <summary>Rents the named key from the cache (one keystore read per key per expiry), answering the error itself when it
    /// cannot; the caller disposes the lease, never the key.</summary>
    private static async ValueTask<KeyLease?> ReadKeyAsync(HttpContext context)
    {
        if (Begin(context, out var request) is not { } name)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.InvalidKeyName(request.Resource)).ConfigureAwait(false);
            return null;
        }

        KeyLease? lease;
        try
        {
            lease = await request.Keys.RentAsync(name, context.RequestAborted).ConfigureAwait(false);
        }
        catch (CorruptKeyException)
        {
            LogCorruptKey(Logger(context), name);
            await KesResults.WriteErrorAsync(context, KesErrors.ReadKeyFailed).ConfigureAwait(false);
            return null;
        }
        catch (KeyStoreException ex)
        {
            LogKeyStoreError(Logger(context), "read key", ex.Message);
            await KesResults.WriteErrorAsync(context, KesErrors.ReadKeyFailed).ConfigureAwait(false);
            return null;
        }

        if (lease is null)
        {
            await KesResults.WriteErrorAsync(context, KesErrors.KeyNotFound).ConfigureAwait(false);
        }

        return lease;
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("KesGateway.Server.Endpoints.KeyEndpoints");

    [LoggerMessage(EventId = EventIds.KeyStoreError, EventName = nameof(EventIds.KeyStoreError), Level = LogLevel.Error,
        Message = "keystore: failed to {Operation}: {Error}")]
    private static partial void LogKeyStoreError(ILogger logger, string operation, string error);

    [LoggerMessage(EventId = EventIds.KeyStoreCorruptKey, EventName = nameof(EventIds.KeyStoreCorruptKey), Level = LogLevel.Error,
        Message = "keystore: the stored value of key '{Name}' is not a key version KES or KesGateway wrote")]
    private static partial void LogCorruptKey(ILogger logger, string name);
}

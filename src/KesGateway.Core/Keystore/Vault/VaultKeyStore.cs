using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>
/// Keys in HashiCorp Vault's K/V engine, stored where and how KES stores them, so KES and KesGateway can share a Vault
/// (vault-compat §3–§5): one secret per key whose single field, named after the key, holds the stored value.
/// </summary>
/// <remarks>
/// Deliberate differences from KES (vault-compat §13), none of which changes what is stored: listing an empty folder
/// gives an empty list; only a 404 whose <c>errors</c> are empty means "absent" (a missing mount is an error); a lost
/// create race is re-read and reported as "exists"; a soft-deleted K/V v2 version gets an error that says how to fix
/// it; sub-folders are left out of listings; a call rejected with "invalid token" logs in again and is repeated once;
/// <c>renew-self</c> is sent in the namespace of the login; TLS material errors fail <see cref="ConnectAsync"/>; and
/// transit ciphertexts of any key version (<c>vault:v&lt;N&gt;:</c>) are decrypted, while creates still require
/// <c>vault:v1:</c>, the only form KES can read back.
/// </remarks>
public sealed class VaultKeyStore : IKeyStore
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly VaultOptions _options;
    private readonly VaultTransport _transport;
    private readonly VaultTlsMaterial _tls;
    private readonly VaultSecrets _secrets;
    private readonly VaultTokenManager _tokens;
    private readonly VaultSealMonitor _seal;
    private readonly string _endpoint;
    private readonly string? _namespace;
    private int _disposed;

    private VaultKeyStore(VaultOptions options, VaultTransport transport, VaultTlsMaterial tls, VaultSecrets secrets, ILogger logger)
    {
        _options = options;
        _transport = transport;
        _tls = tls;
        _secrets = secrets;
        _endpoint = options.Endpoint!.OriginalString.TrimEnd('/');
        _namespace = string.IsNullOrEmpty(options.Namespace) ? null : options.Namespace;
        _tokens = new VaultTokenManager(transport, options, secrets, logger, () => _seal!.IsSealed);
        _seal = new VaultSealMonitor(transport, options, () => _tokens.Token, secrets, logger, _endpoint);
    }

    /// <inheritdoc/>
    public string Description => "Hashicorp Vault: " + _endpoint;

    /// <summary>Gets the token manager (tests).</summary>
    internal VaultTokenManager Tokens => _tokens;

    /// <summary>Gets the seal monitor (tests).</summary>
    internal VaultSealMonitor Seal => _seal;

    /// <summary>Gets the transport (tests).</summary>
    internal VaultTransport Transport => _transport;

    /// <summary>
    /// Validates <paramref name="options"/>, logs in, and starts the seal check and the token renewal in the background.
    /// </summary>
    /// <exception cref="KeyStoreException">Invalid options, unreadable TLS material, or a failed login (bad credentials,
    /// TLS failure); <see cref="KeyStoreUnreachableException"/> when Vault is down or sealed. Messages never contain
    /// the secret ID, the JWT or a token.</exception>
    public static async Task<VaultKeyStore> ConnectAsync(VaultOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var normalized = Normalize(options);
        var endpoint = normalized.Endpoint!;
        var tls = VaultTlsMaterial.Load(normalized.Tls);
        VaultKeyStore? store = null;
        try
        {
            var handler = normalized.HttpMessageHandler ?? VaultHttpHandlerFactory.Create(endpoint, normalized, tls);
            var transport = new VaultTransport(handler, disposeHandler: normalized.HttpMessageHandler is null, BaseUri(endpoint), normalized, logger, tls.TakeLastFailure);
            store = new VaultKeyStore(normalized, transport, tls, new VaultSecrets(), logger);
            await store._tokens.LoginAtStartupAsync(cancellationToken).ConfigureAwait(false);
            store._seal.Start();
            store._tokens.Start();
            return store;
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                tls.Dispose();
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CreateAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        ThrowIfUnusable(name);
        var location = KvPath(name);
        var text = TextOf(value, location);

        // 1. Pre-read: create only if absent (§4.1).
        using (var existing = await ReadAsync(location, query: null, e => $"vault: failed to create '{location}': {e}", absentWithoutData: _options.Version == VaultKvVersion.V2, cancellationToken).ConfigureAwait(false))
        {
            if (existing is not null)
            {
                _ = FieldOfExisting(existing, name, location);
                return false;
            }
        }

        // 2. Transit, after the pre-read and before the write.
        var stored = _options.Transit is null ? text : await EncryptAsync(text, location, cancellationToken).ConfigureAwait(false);

        // 3. Write: v1 replaces the secret (atomic only if the policy withholds "update"); v2's cas:0 is an atomic create.
        var body = VaultJson.Write(w =>
        {
            w.WriteStartObject();
            if (_options.Version == VaultKvVersion.V2)
            {
                w.WriteStartObject("data");
                w.WriteString(name, stored);
                w.WriteEndObject();
                w.WriteStartObject("options");
                w.WriteNumber("cas", 0);
                w.WriteEndObject();
            }
            else
            {
                w.WriteString(name, stored);
            }

            w.WriteEndObject();
        });
        try
        {
            using var response = await SendAsync(HttpMethod.Put, location, null, body, VaultRequest.DefaultBodyLimit, e => $"vault: failed to create '{location}': {e}", cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is 200 or 204)
            {
                return true;
            }

            if (response.StatusCode is 400 or 403)
            {
                // The key appeared since the pre-read (a race, or a retried write whose first answer was lost): Vault
                // refused the overwrite with a CAS mismatch (v2) or, under a create-only policy, 403. Look once more.
                var raced = await ReadAfterRefusedWriteAsync(location, name, cancellationToken).ConfigureAwait(false);
                if (raced is not null)
                {
                    return raced == stored;
                }
            }

            throw Fail(response.StatusCode >= 400
                ? $"vault: failed to create '{location}': {response.Describe()}"
                : $"vault: failed to create '{location}': server responded with: {response.Status} ({response.StatusCode})");
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(body);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetAsync(string name, CancellationToken cancellationToken)
    {
        ThrowIfUnusable(name);
        var location = VaultPath.Join(_options.Prefix, name);

        // v2 reads version 1: KES only ever writes version 1 (vault-compat §4.2).
        var query = _options.Version == VaultKvVersion.V2 ? "version=1" : null;
        using var response = await ReadAsync(KvPath(name), query, e => $"vault: failed to read '{location}': {e}", absentWithoutData: false, cancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return null;
        }

        var holder = response.Data;
        if (_options.Version == VaultKvVersion.V2)
        {
            var data = VaultJson.Member(holder, "data");
            if (data is null or { ValueKind: JsonValueKind.Null })
            {
                throw Fail($"vault: failed to read '{location}': entry exists but no secret key is present{DeletedHint(response, name)}{WarningsOf(response)}");
            }

            if (data.Value.ValueKind != JsonValueKind.Object)
            {
                throw Fail($"vault: failed to read '{location}': invalid K/V format");
            }

            holder = data;
        }

        var field = VaultJson.Member(holder, name);
        if (field is null or { ValueKind: JsonValueKind.Null })
        {
            throw Fail($"vault: failed to read '{location}': entry exists but no secret key is present{WarningsOf(response)}");
        }

        if (field.Value.ValueKind != JsonValueKind.String)
        {
            throw Fail($"vault: failed to read '{location}': invalid K/V format");
        }

        var stored = field.Value.GetString()!;
        if (IsTransitCiphertext(stored))
        {
            return _options.Transit is null
                ? throw Fail($"vault: failed to read '{location}': key is encrypted with vault transit key")
                : await DecryptAsync(stored, location, cancellationToken).ConfigureAwait(false);
        }

        return Encoding.UTF8.GetBytes(stored);
    }

    /// <inheritdoc/>
    /// <remarks>Vault answers a delete of a missing secret like any other, so this returns <see langword="true"/> for unknown names.</remarks>
    public async ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        ThrowIfUnusable(name);
        var location = VaultPath.Join(_options.Prefix, name);

        // v2 deletes the metadata: every version for good, so the name can be created again with cas:0.
        var path = _options.Version == VaultKvVersion.V2 ? VaultPath.Join(_options.Engine, "metadata", _options.Prefix, name) : KvPath(name);
        using var response = await SendAsync(HttpMethod.Delete, path, null, null, VaultRequest.DefaultBodyLimit, e => $"vault: failed to delete '{location}': {e}", cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return true;
        }

        throw Fail(response.StatusCode >= 400
            ? $"vault: failed to delete '{location}': {response.Describe()}"
            : $"vault: failed to delete '{location}': server responded with: {response.Status} ({response.StatusCode})");
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowIfUnusable(name: null);
        var location = _options.Version == VaultKvVersion.V2 ? VaultPath.Join(_options.Engine, "metadata", _options.Prefix) : VaultPath.Join(_options.Engine, _options.Prefix);

        // GET with list=true, not the LIST method, which some proxies reject (minio/kes PR #458).
        using var response = await SendAsync(HttpMethod.Get, location, "list=true", null, VaultRequest.ListBodyLimit, e => $"vault: failed to list '{location}': {e}", cancellationToken).ConfigureAwait(false);
        if (response.IsEmpty && (response.IsSuccess || response.StatusCode == 404))
        {
            return [];
        }

        if (response.StatusCode == 404 && response.Envelope is not null && response.Errors.Count == 0 && response.Warnings.Count == 0 && response.Data is null)
        {
            // An empty or missing folder (KES fails here); a 404 with errors, e.g. "no handler for route", stays an error.
            return [];
        }

        if (!response.IsSuccess)
        {
            throw Fail(response.StatusCode >= 400
                ? $"vault: failed to list '{location}': {response.Describe()}"
                : $"vault: failed to list '{location}': server responded with: {response.Status} ({response.StatusCode})");
        }

        if (VaultJson.Member(VaultJson.Member(response.Envelope, "data"), "keys") is not { ValueKind: JsonValueKind.Array } keys)
        {
            throw Fail($"vault: failed to list '{location}': invalid key listing format");
        }

        // Sub-folders ("tenant-2/", other tenants sharing the mount) are not keys.
        var names = keys.EnumerateArray()
            .Select(k => k.ValueKind == JsonValueKind.String ? k.GetString()! : k.GetRawText())
            .Where(n => !n.EndsWith('/') && n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        return names;
    }

    /// <inheritdoc/>
    public async ValueTask StatusAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        VaultHealth health;
        try
        {
            health = await _seal.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (VaultTransportException ex) when (ex.Unreachable)
        {
            throw new KeyStoreUnreachableException(_secrets.Scrub($"vault: no connection to {_endpoint}: {ex.Message}"), ex);
        }
        catch (VaultTransportException ex)
        {
            throw Fail("vault: " + ex.Message, ex);
        }

        if (!health.Initialized)
        {
            throw new KeyStoreUnreachableException("vault: not initialized");
        }

        if (health.Sealed)
        {
            throw new KeyStoreUnreachableException("vault: key store is sealed");
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _seal.DisposeAsync().ConfigureAwait(false);
        await _tokens.DisposeAsync().ConfigureAwait(false);
        _transport.Dispose();
        _tls.Dispose();
    }

    /// <summary>Whether <paramref name="value"/> is a transit ciphertext, <c>vault:v&lt;N&gt;:…</c> (KES only knows <c>vault:v1:</c>).</summary>
    internal static bool IsTransitCiphertext(string value)
    {
        if (!value.StartsWith("vault:v", StringComparison.Ordinal))
        {
            return false;
        }

        var digits = 0;
        for (var i = "vault:v".Length; i < value.Length; i++)
        {
            if (value[i] == ':')
            {
                return digits > 0;
            }

            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }

            digits++;
        }

        return false;
    }

    private static VaultOptions Normalize(VaultOptions options)
    {
        if (options.Endpoint is null || string.IsNullOrWhiteSpace(options.Endpoint.OriginalString))
        {
            throw new KeyStoreException("vault: endpoint is empty");
        }

        var endpoint = options.Endpoint;
        if (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("https" or "http" or VaultHttpHandlerFactory.UnixScheme))
        {
            throw new KeyStoreException($"vault: invalid endpoint '{endpoint.OriginalString}': use an https, http or unix URL");
        }

        if (options.Version is not (VaultKvVersion.V1 or VaultKvVersion.V2))
        {
            throw new KeyStoreException($"vault: invalid engine API version '{options.Version}'");
        }

        if (options.AppRole is not null && options.Kubernetes is not null)
        {
            throw new KeyStoreException("vault: more than one authentication method specified: approle and kubernetes configuration is present");
        }

        VaultAppRoleOptions? appRole = null;
        VaultKubernetesOptions? kubernetes = null;
        if (options.AppRole is { } a)
        {
            if (string.IsNullOrEmpty(a.Id))
            {
                throw new KeyStoreException("vault: invalid approle config: no approle ID specified");
            }

            if (string.IsNullOrEmpty(a.Secret))
            {
                throw new KeyStoreException("vault: invalid approle config: no approle secret specified");
            }

            appRole = new VaultAppRoleOptions { Engine = Clean(a.Engine, "approle"), Namespace = a.Namespace ?? string.Empty, Id = a.Id, Secret = a.Secret };
        }
        else if (options.Kubernetes is { } k)
        {
            var hasJwt = !string.IsNullOrEmpty(k.Jwt);
            var hasFile = !string.IsNullOrEmpty(k.JwtFile);
            if (hasJwt == hasFile)
            {
                throw new KeyStoreException(hasJwt
                    ? "vault: invalid kubernetes config: both a JWT and a JWT file specified"
                    : "vault: invalid kubernetes config: no JWT specified");
            }

            kubernetes = new VaultKubernetesOptions { Engine = Clean(k.Engine, "kubernetes"), Namespace = k.Namespace ?? string.Empty, Role = k.Role ?? string.Empty, Jwt = hasJwt ? k.Jwt : null, JwtFile = hasFile ? k.JwtFile : null };
        }
        else
        {
            throw new KeyStoreException("vault: no authentication method specified");
        }

        VaultTransitOptions? transit = null;
        if (options.Transit is { } t)
        {
            if (string.IsNullOrWhiteSpace(t.Key))
            {
                throw new KeyStoreException("vault: transit key name is empty");
            }

            transit = new VaultTransitOptions { Engine = Clean(t.Engine, "transit"), Key = VaultPath.Join(t.Key) };
        }

        return new VaultOptions
        {
            Endpoint = endpoint,
            Engine = Clean(options.Engine, "kv"),
            Version = options.Version,
            Namespace = options.Namespace ?? string.Empty,
            Prefix = VaultPath.Join(options.Prefix),
            AppRole = appRole,
            Kubernetes = kubernetes,
            Transit = transit,
            Tls = options.Tls ?? new VaultTlsOptions(),
            StatusPing = options.StatusPing > TimeSpan.Zero ? options.StatusPing : TimeSpan.FromSeconds(15),
            LoginRetryInterval = options.LoginRetryInterval > TimeSpan.Zero ? options.LoginRetryInterval : TimeSpan.FromSeconds(3),
            RetryCount = Math.Max(0, options.RetryCount),
            RetryBaseDelay = options.RetryBaseDelay >= TimeSpan.Zero ? options.RetryBaseDelay : TimeSpan.Zero,
            RequestTimeout = options.RequestTimeout > TimeSpan.Zero ? options.RequestTimeout : TimeSpan.FromSeconds(60),
            ConnectionLifetime = options.ConnectionLifetime,
            ConnectionIdleTimeout = options.ConnectionIdleTimeout,
            TimeProvider = options.TimeProvider ?? TimeProvider.System,
            HttpMessageHandler = options.HttpMessageHandler,
        };
    }

    private static string Clean(string? path, string fallback)
    {
        var cleaned = VaultPath.Join(path);
        return cleaned.Length == 0 ? fallback : cleaned;
    }

    private static Uri BaseUri(Uri endpoint)
    {
        if (endpoint.Scheme == VaultHttpHandlerFactory.UnixScheme)
        {
            // The connect callback dials the socket; the host is only a placeholder for the Host header.
            return new Uri("http://localhost/");
        }

        var builder = new UriBuilder(endpoint) { Query = string.Empty, Fragment = string.Empty };
        builder.Path = builder.Path.TrimEnd('/') + "/";
        return builder.Uri;
    }

    private static string TextOf(ReadOnlyMemory<byte> value, string location)
    {
        try
        {
            return StrictUtf8.GetString(value.Span);
        }
        catch (DecoderFallbackException)
        {
            throw new KeyStoreException($"vault: failed to create '{location}': the value is not UTF-8 text, which a Vault secret field must be");
        }
    }

    private static string WarningsOf(VaultResponse response) =>
        response.Warnings.Count == 0 ? string.Empty : " (Vault warns: " + string.Join(" ", response.Warnings) + ")";

    private string KvPath(string name) => _options.Version == VaultKvVersion.V2
        ? VaultPath.Join(_options.Engine, "data", _options.Prefix, name)
        : VaultPath.Join(_options.Engine, _options.Prefix, name);

    private void ThrowIfUnusable(string? name)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (name is not null && (name.Length == 0 || name is "." or ".." || name.AsSpan().IndexOfAny("/\\?#%") >= 0 || name.Any(char.IsControl)))
        {
            throw new KeyStoreException($"vault: invalid key name '{name}'");
        }

        if (_seal.IsSealed)
        {
            throw new KeyStoreUnreachableException("vault: key store is sealed");
        }
    }

    /// <summary>For an existing entry met by a create: the stored field (the key exists), or the §4.1 error when the entry is not a key.</summary>
    private string? FieldOfExisting(VaultResponse existing, string name, string location)
    {
        var data = existing.Data;
        if (_options.Version == VaultKvVersion.V1)
        {
            return VaultJson.Member(data, name) is { } v1Field
                ? (v1Field.ValueKind == JsonValueKind.String ? v1Field.GetString() : v1Field.GetRawText())
                : throw Fail($"vault: entry exist but failed to read '{location}': invalid K/V v1 format{WarningsOf(existing)}");
        }

        var secret = VaultJson.Member(data, "data");
        if (secret is null or { ValueKind: JsonValueKind.Null })
        {
            throw Fail($"vault: entry exists but failed to read '{location}': invalid K/V v2 format: missing 'data' entry{DeletedHint(existing, name)}");
        }

        if (secret.Value.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"vault: entry exists but failed to read '{location}': invalid K/V v2 format: invalid 'data' entry");
        }

        return VaultJson.Member(secret, name) is { } v2Field
            ? (v2Field.ValueKind == JsonValueKind.String ? v2Field.GetString() : v2Field.GetRawText())
            : throw Fail($"vault: failed to read '{location}': entry exists but no secret key is present");
    }

    /// <summary>After a refused create write: the stored value if the key is there now, else <see langword="null"/>.</summary>
    private async Task<string?> ReadAfterRefusedWriteAsync(string location, string name, CancellationToken cancellationToken)
    {
        try
        {
            using var existing = await ReadAsync(location, query: null, e => e, absentWithoutData: _options.Version == VaultKvVersion.V2, cancellationToken).ConfigureAwait(false);
            return existing is null ? null : FieldOfExisting(existing, name, location);
        }
        catch (KeyStoreException)
        {
            // The write's own error is the one worth reporting.
            return null;
        }
    }

    /// <summary>
    /// A read by the Go SDK's rule R, except that only a 404 without errors is "absent" (vault-compat §8 note):
    /// <see langword="null"/> when absent, else the answer (an entry, maybe a 404 carrying data or warnings).
    /// </summary>
    private async Task<VaultResponse?> ReadAsync(string path, string? query, Func<string, string> failure, bool absentWithoutData, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, path, query, null, VaultRequest.DefaultBodyLimit, failure, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.IsSuccess)
            {
                return response.Envelope is not null
                    ? response
                    : throw Fail(failure($"{response.Method} {response.Url.AbsoluteUri}: invalid vault response: the body is not a JSON object ({response.Status})"));
            }

            if (response.StatusCode == 404)
            {
                if (response.IsEmpty)
                {
                    response.Dispose();
                    return null;
                }

                if (response.Envelope is null)
                {
                    throw Fail(failure(response.Describe()));
                }

                var present = absentWithoutData ? response.Data is not null : response.Data is not null || response.Warnings.Count > 0;
                if (present)
                {
                    return response;
                }

                if (response.Errors.Count > 0)
                {
                    throw Fail(failure(response.Describe()));
                }

                response.Dispose();
                return null;
            }

            throw Fail(failure(response.StatusCode >= 400 ? response.Describe() : $"server responded with: {response.Status} ({response.StatusCode})"));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Sends a call with the token and the keystore namespace; a 403 "invalid token" logs in again and repeats it once.</summary>
    private async Task<VaultResponse> SendAsync(HttpMethod method, string path, string? query, byte[]? body, int bodyLimit, Func<string, string> failure, CancellationToken cancellationToken)
    {
        try
        {
            var token = _tokens.Token;
            var response = await _transport.SendAsync(Request(token), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == 403 && response.ErrorsContain("invalid token") && token is not null
                && await _tokens.ReplaceInvalidTokenAsync(token, cancellationToken).ConfigureAwait(false))
            {
                response.Dispose();
                response = await _transport.SendAsync(Request(_tokens.Token), cancellationToken).ConfigureAwait(false);
            }

            return response;
        }
        catch (VaultTransportException ex)
        {
            throw Fail(failure(ex.Message), ex);
        }

        VaultRequest Request(string? token) => new()
        {
            Method = method,
            Path = path,
            Query = query,
            Body = body,
            Namespace = _namespace,
            Token = token,
            BodyLimit = bodyLimit,
        };
    }

    private async Task<string> EncryptAsync(string text, string location, CancellationToken cancellationToken)
    {
        var transit = _options.Transit!;
        var body = VaultJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("plaintext", Convert.ToBase64String(Encoding.UTF8.GetBytes(text)));
            w.WriteEndObject();
        });
        try
        {
            var prefix = $"vault: failed to create '{location}': failed to encrypt key: ";
            using var response = await SendAsync(HttpMethod.Post, VaultPath.Join(transit.Engine, "encrypt", transit.Key), null, body, VaultRequest.DefaultBodyLimit, e => prefix + e, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode >= 400)
            {
                throw Fail(prefix + response.Describe());
            }

            if (response.StatusCode != 200)
            {
                throw Fail($"vault: failed to create '{location}': server responded with: {response.Status} ({response.StatusCode})");
            }

            var ciphertext = VaultJson.Member(VaultJson.Member(response.Envelope, "data"), "ciphertext");
            if (ciphertext is null or { ValueKind: JsonValueKind.Null })
            {
                throw Fail(prefix + "no ciphertext in vault response");
            }

            if (ciphertext.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail(prefix + "invalid vault response");
            }

            var value = ciphertext.Value.GetString()!;
            if (!value.StartsWith("vault:v1:", StringComparison.Ordinal))
            {
                // KES decrypts only vault:v1: values; a ciphertext of a rotated key would be unreadable to it.
                throw Fail(prefix + (IsTransitCiphertext(value)
                    ? $"invalid vault response: ciphertext of transit key version '{value[..(value.IndexOf(':', 7) + 1)]}', but KES can only read 'vault:v1:' (was the transit key rotated?)"
                    : "invalid vault response"));
            }

            return value;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(body);
        }
    }

    private async Task<byte[]> DecryptAsync(string ciphertext, string location, CancellationToken cancellationToken)
    {
        var transit = _options.Transit!;
        var body = VaultJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("ciphertext", ciphertext);
            w.WriteEndObject();
        });
        var prefix = $"vault: failed to read '{location}': failed to decrypt key: ";
        using var response = await SendAsync(HttpMethod.Post, VaultPath.Join(transit.Engine, "decrypt", transit.Key), null, body, VaultRequest.DefaultBodyLimit, e => prefix + e, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode >= 400)
        {
            throw Fail(prefix + response.Describe());
        }

        if (response.StatusCode != 200)
        {
            throw Fail($"vault: failed to read '{location}': server responded with: {response.Status} ({response.StatusCode})");
        }

        var plaintext = VaultJson.Member(VaultJson.Member(response.Envelope, "data"), "plaintext");
        if (plaintext is null or { ValueKind: JsonValueKind.Null })
        {
            throw Fail(prefix + "no plaintext in vault response");
        }

        if (plaintext.Value.ValueKind != JsonValueKind.String)
        {
            throw Fail(prefix + "invalid vault response");
        }

        try
        {
            return Convert.FromBase64String(plaintext.Value.GetString()!);
        }
        catch (FormatException)
        {
            throw Fail(prefix + "invalid vault response");
        }
    }

    /// <summary>For a K/V v2 entry whose version has no data: how it was deleted and how to fix it, or empty.</summary>
    private string DeletedHint(VaultResponse response, string name)
    {
        var metadata = VaultJson.Member(response.Data, "metadata");
        var destroyed = VaultJson.Boolean(metadata, "destroyed") == true;
        var deletionTime = VaultJson.String(metadata, "deletion_time");
        if (!destroyed && string.IsNullOrEmpty(deletionTime))
        {
            return string.Empty;
        }

        var version = VaultJson.Seconds(metadata, "version");
        var ns = _namespace is null ? string.Empty : $" -namespace={_namespace}";
        var secret = VaultPath.Join(_options.Prefix, name);
        var remove = $"'vault kv metadata delete{ns} -mount={_options.Engine} {secret}'";
        return destroyed
            ? $": version {version} of the key was destroyed in Vault and its value is gone; remove the key for good with {remove}"
            : $": version {version} of the key was soft-deleted in Vault (at {deletionTime}); restore it with 'vault kv undelete{ns} -mount={_options.Engine} -versions={version} {secret}' or remove the key for good with {remove}";
    }

    private KeyStoreException Fail(string message, Exception? inner = null)
    {
        var scrubbed = _secrets.Scrub(message);
        return inner is null ? new KeyStoreException(scrubbed) : new KeyStoreException(scrubbed, inner);
    }
}

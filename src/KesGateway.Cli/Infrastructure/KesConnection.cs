using KesGateway.Core.Client;
using KesGateway.Core.Identity;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Infrastructure;

/// <summary>
/// A <see cref="KesClient"/> built from the connection settings as kes reads them (flags, then the environment, see
/// <see cref="KesClientEnvironment"/>), and the knowledge of where each setting came from, so errors can name the
/// setting to fix. Calls go through <see cref="CallAsync{T}"/>, which turns <see cref="KesException"/>s into
/// <see cref="CliException"/>s with an exit code and a hint.
/// </summary>
internal sealed class KesConnection : IDisposable
{
    private readonly ApiKey? _apiKey;

    private KesConnection(KesClient client, ApiKey? apiKey, string serverSource, string credentialSource)
    {
        Client = client;
        _apiKey = apiKey;
        ServerSource = serverSource;
        CredentialSource = credentialSource;
    }

    /// <summary>Gets the client.</summary>
    public KesClient Client { get; }

    /// <summary>Gets where the servers came from, e.g. <c>KES_SERVER</c>, <c>--server</c> or <c>the default</c>.</summary>
    public string ServerSource { get; }

    /// <summary>Gets what authenticates the client, e.g. <c>the API key in KES_API_KEY</c> (never the key itself).</summary>
    public string CredentialSource { get; }

    /// <summary>Reads the settings and creates the client; no connection is made yet.</summary>
    /// <exception cref="CliException">A setting is missing, conflicting or invalid (exit code <see cref="CliExitCodes.Usage"/>).</exception>
    public static KesConnection Open(CliContext context, ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);

        var (serverSource, servers) = settings.Server is { } flagServer
            ? ("--server", flagServer)
            : KesClientEnvironment.Lookup(KesClientEnvironment.Server, context.GetEnvironmentVariable) is { } fromEnv
                ? (fromEnv.Name, fromEnv.Value)
                : ("the default", KesClientEnvironment.DefaultServer);
        var endpoints = servers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (endpoints.Length == 0)
        {
            throw new CliException($"{serverSource} is set but names no server. Set it to the server's address, e.g. https://127.0.0.1:7373");
        }

        var apiKeySetting = settings.ApiKey is { Length: > 0 } flagKey
            ? ("-a/--api-key", flagKey)
            : NonEmpty(KesClientEnvironment.Lookup(KesClientEnvironment.ApiKey, context.GetEnvironmentVariable));
        var keySetting = NonEmpty(KesClientEnvironment.Lookup(KesClientEnvironment.PrivateKeyFile, context.GetEnvironmentVariable));
        var certSetting = NonEmpty(KesClientEnvironment.Lookup(KesClientEnvironment.CertificateFile, context.GetEnvironmentVariable));

        if (apiKeySetting is null && keySetting is null && certSetting is null)
        {
            throw new CliException("no API key specified. Set KES_API_KEY (or KES_CLIENT_CERT and KES_CLIENT_KEY)");
        }

        if (apiKeySetting is { } a && (certSetting ?? keySetting) is { } c)
        {
            throw new CliException($"API key ({a.Name}) and client certificate or key ({c.Name}) cannot be used at the same time. Unset one of them");
        }

        if (certSetting is { } certOnly && keySetting is null)
        {
            throw new CliException($"no private key file specified for the certificate in {certOnly.Name}. Set KES_CLIENT_KEY");
        }

        if (keySetting is { } keyOnly && certSetting is null)
        {
            throw new CliException($"no certificate file specified for the private key in {keyOnly.Name}. Set KES_CLIENT_CERT");
        }

        ApiKey? apiKey = null;
        string credentialSource;
        string? password = null;
        if (apiKeySetting is { } apiKeyFrom)
        {
            if (!ApiKey.TryParse(apiKeyFrom.Value.Trim(), out apiKey, out var error))
            {
                throw new CliException($"invalid API key in {apiKeyFrom.Name}: {error}");
            }

            credentialSource = $"the API key in {apiKeyFrom.Name}";
        }
        else
        {
            credentialSource = $"the client certificate in {certSetting!.Value.Name} ({certSetting.Value.Value})";
            password = PasswordFor(context, keySetting!.Value.Name, keySetting.Value.Value);
        }

        var caPath = settings.CaPath is { Length: > 0 } flagCa
            ? flagCa
            : NonEmpty(KesClientEnvironment.Lookup(KesClientEnvironment.CaPath, context.GetEnvironmentVariable))?.Value;

        try
        {
            var client = new KesClient(new KesClientOptions
            {
                Endpoints = endpoints,
                ApiKey = apiKey,
                CertificateFile = certSetting?.Value,
                PrivateKeyFile = keySetting?.Value,
                PrivateKeyPassword = password,
                CaFile = caPath,
                Insecure = settings.Insecure,
                TimeProvider = context.TimeProvider,
            });
            return new KesConnection(client, apiKey, serverSource, credentialSource);
        }
        catch (ArgumentException ex)
        {
            apiKey?.Dispose();
            // ArgumentException appends " (Parameter 'x')", which means nothing to people.
            var message = ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
            if (message.StartsWith("invalid server endpoint", StringComparison.Ordinal))
            {
                message = $"{message} (from {serverSource})";
            }

            throw new CliException(message, ex);
        }
    }

    /// <summary>Runs one call; a <see cref="KesException"/> becomes a <see cref="CliException"/> starting with <paramref name="failure"/>.</summary>
    /// <param name="failure">What failed, e.g. <c>failed to create key 'k'</c>.</param>
    /// <param name="call">The call.</param>
    /// <param name="notFoundHint">A sentence to add to a 404, e.g. how to create the key.</param>
    public async Task<T> CallAsync<T>(string failure, Func<KesClient, Task<T>> call, string? notFoundHint = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call(Client);
        }
        catch (KesException ex)
        {
            throw Translate(failure, ex, notFoundHint);
        }
    }

    /// <summary>Runs one call without result; see <see cref="CallAsync{T}"/>.</summary>
    public Task CallAsync(string failure, Func<KesClient, Task> call, string? notFoundHint = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        return CallAsync(failure, async client =>
        {
            await call(client);
            return true;
        }, notFoundHint);
    }

    /// <summary>Turns a failed call into the error people read: what failed, why, and what to do about it.</summary>
    public CliException Translate(string failure, KesException exception, string? notFoundHint = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var prefix = string.IsNullOrEmpty(failure) ? string.Empty : failure + ": ";
        var endpoints = Client.Endpoints;
        switch (exception.Kind)
        {
            case KesErrorKind.Api when exception.StatusCode == 403:
                var who = Client.Identity is { } identity ? $"identity {identity}" : "this client";
                return new CliException(
                    $"{prefix}{exception.Message}. The server {exception.Endpoint ?? Client.CurrentEndpoint} does not allow {who} "
                    + $"({CredentialSource}) to do this; ask its admin for a policy that allows it",
                    CliExitCodes.Forbidden);
            case KesErrorKind.Api when exception.StatusCode == 404:
                return new CliException(
                    prefix + exception.Message + (notFoundHint is null ? string.Empty : ". " + notFoundHint),
                    CliExitCodes.NotFound);
            case KesErrorKind.Api when exception.Error == KesErrors.KeyExists:
                return new CliException(prefix + exception.Message, CliExitCodes.AlreadyExists);
            case KesErrorKind.Api:
                return new CliException(prefix + exception.Message, CliExitCodes.Failure);
            case KesErrorKind.Unreachable or KesErrorKind.Timeout or KesErrorKind.Network:
                var tried = endpoints.Count > 1 ? $"none of the {endpoints.Count} servers answered, the last one said: " : string.Empty;
                return new CliException(
                    $"{prefix}{tried}{exception.Message}. Is the server running? The server address{(endpoints.Count > 1 ? "es come" : " comes")} from {ServerSource}: {string.Join(", ", endpoints)}",
                    CliExitCodes.Unreachable);
            case KesErrorKind.TlsVerification or KesErrorKind.TlsHandshake:
                return new CliException(prefix + exception.Message, CliExitCodes.Tls);
            default:
                return new CliException(prefix + exception.Message, CliExitCodes.Failure);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Client.Dispose();
        _apiKey?.Dispose();
    }

    private static (string Name, string Value)? NonEmpty((string Name, string Value)? setting) =>
        setting is { Value.Length: > 0 } ? setting : null;

    private static string? PasswordFor(CliContext context, string variable, string keyFile)
    {
        string text;
        try
        {
            text = File.ReadAllText(keyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The client reports the unreadable file with its name.
            return null;
        }

        if (!text.Contains("ENCRYPTED", StringComparison.Ordinal))
        {
            return null;
        }

        if (NonEmpty(KesClientEnvironment.Lookup(KesClientEnvironment.PrivateKeyPassword, context.GetEnvironmentVariable)) is { } fromEnv)
        {
            return fromEnv.Value;
        }

        return context.ReadPassword?.Invoke("Enter password for private key: ")
               ?? throw new CliException(
                   $"the private key '{keyFile}' (from {variable}) is encrypted. Set KES_CLIENT_KEY_PASSWORD, or run on a terminal to be asked for the password");
    }
}

/// <summary>Connection settings given on the command line; anything null falls back to the environment.</summary>
/// <param name="Server">The <c>--server</c> flag.</param>
/// <param name="ApiKey">The <c>-a/--api-key</c> flag (only <c>kesgw ls</c> has it, as in kes).</param>
/// <param name="CaPath">The <c>--ca</c> flag.</param>
/// <param name="Insecure">The <c>-k/--insecure</c> flag.</param>
internal sealed record ConnectionSettings(string? Server, string? ApiKey, string? CaPath, bool Insecure);

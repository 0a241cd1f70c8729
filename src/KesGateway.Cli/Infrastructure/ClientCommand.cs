using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KesGateway.Cli.Infrastructure;

/// <summary>
/// A command that talks to a KES server: adds the connection options every such command has (<c>-k/--insecure</c>,
/// <c>--ca</c>, <c>--server</c>, the ignored <c>-e/--enclave</c>), appends the connection help to its description,
/// validates its arguments before connecting, and runs <see cref="ExecuteAsync"/> with a <see cref="KesConnection"/>.
/// </summary>
internal abstract class ClientCommand : Command
{
    /// <summary>The help text about connection settings every client command shows.</summary>
    public const string ConnectionHelp = """
        Connection (as kes reads it):
          KES_SERVER         The server, or several separated by commas (tried in order when one is down).
                             Also MINIO_KES_SERVER or MINIO_KMS_KES_ENDPOINT. [default: 127.0.0.1:7373]
          KES_API_KEY        The API key (kes:v1:…) to authenticate with. Also MINIO_KES_API_KEY or MINIO_KMS_KES_API_KEY.
          KES_CLIENT_CERT    Or a client certificate file (PEM) ...
          KES_CLIENT_KEY     ... and its private key file. KES_CLIENT_KEY_PASSWORD for an encrypted key (else asked).
          KES_CAPATH         A CA file or directory to trust besides the system roots (or --ca).
        """;

    private readonly Option<bool> _insecure = new("--insecure", "-k")
    {
        Description = "Skip verification of the server's TLS certificate. Only for tests and first setup: anyone on the "
                      + "network path could impersonate the server.",
    };

    private readonly Option<string?> _ca = new("--ca")
    {
        Description = "Trust the PEM CA certificate(s) in FILE, or in the files of DIR, besides the system roots. "
                      + "[default: $KES_CAPATH]",
        HelpName = "FILE|DIR",
    };

    private readonly Option<string?> _server;

    private readonly Option<string?>? _apiKey;

    private readonly Option<string?> _enclave = new("--enclave", "-e")
    {
        Description = "Ignored: KES enclaves no longer exist. Accepted so kes scripts keep working.",
        HelpName = "NAME",
        Hidden = true,
    };

    /// <summary>Creates the command; <paramref name="kesLsFlags"/> adds kes ls's <c>-s</c> and <c>-a/--api-key</c>.</summary>
    protected ClientCommand(string name, string description, CliContext context, bool kesLsFlags = false)
        : base(name, description.TrimEnd() + "\n\n" + ConnectionHelp)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        _server = kesLsFlags ? new Option<string?>("--server", "-s") : new Option<string?>("--server");
        _server.Description = "The server(s) as HOST[:PORT] or https://HOST[:PORT], comma-separated. [default: $KES_SERVER]";
        _server.HelpName = "HOST[:PORT]";
        if (kesLsFlags)
        {
            _apiKey = new Option<string?>("--api-key", "-a")
            {
                Description = "The API key to authenticate with. [default: $KES_API_KEY]",
                HelpName = "KEY",
            };
        }

        Options.Add(_insecure);
        Options.Add(_ca);
        Options.Add(_server);
        if (_apiKey is not null)
        {
            Options.Add(_apiKey);
        }

        Options.Add(_enclave);
        this.SetCliAction(RunAsync);
    }

    /// <summary>Gets the process context.</summary>
    protected CliContext Context { get; }

    /// <summary>Creates a <c>--json</c> option.</summary>
    protected static Option<bool> JsonOption(string what = "output") => new("--json")
    {
        Description = $"Print {what} as JSON (the default when stdout is not a terminal).",
    };

    /// <summary>Serializes <paramref name="value"/> as one line of JSON (no HTML escaping, so base64 stays readable).</summary>
    protected static string Json<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.Serialize(value, typeInfo) + "\n";

    /// <summary>Checks arguments that the parser cannot, before any connection setting is read; throws <see cref="CliException"/>.</summary>
    protected virtual void Validate(ParseResult parseResult)
    {
    }

    /// <summary>Does the command's work.</summary>
    protected abstract Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Rejects names that look like options: System.CommandLine hands an unknown <c>--flag</c> to a free argument
    /// slot, where kes's flag parser rejects it. KES names never start with '-'.
    /// </summary>
    protected static void RejectOptionLike(ParseResult parseResult, params IEnumerable<string?> names)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            if (name is { Length: > 1 } && name[0] == '-')
            {
                throw new CliException($"unknown option '{name}'. See '{CliAction.CommandPath(parseResult)} --help'");
            }
        }
    }

    /// <summary>Decodes the optional base64 <c>CONTEXT</c> argument of encrypt, decrypt and dek; none is the empty context.</summary>
    protected static byte[] OptionalContext(ParseResult parseResult, Argument<string?> context)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetValue(context) is { } text ? Base64(text, "context", parseResult) : [];
    }

    /// <summary>Decodes standard base64 (what kes prints and expects) or throws a usage error naming <paramref name="what"/>.</summary>
    protected static byte[] Base64(string text, string what, ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new CliException($"invalid {what}: not base64. See '{CliAction.CommandPath(parseResult)} --help'");
        }
    }

    /// <summary>Formats a local date and time as kes does: <c>2006-01-02 15:04:05</c>.</summary>
    protected string Date(DateTimeOffset time)
    {
        if (time.UtcDateTime.Year <= 1)
        {
            // Keys written by old KES versions carry the zero time; converting it could fall off the calendar.
            return "0001-01-01 00:00:00";
        }

        var local = TimeZoneInfo.ConvertTime(time, Context.TimeProvider.LocalTimeZone);
        return local.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Appends <c>label</c> padded to 11 columns, a space and <paramref name="value"/>, as kes's info commands print.</summary>
    protected static void Row(StringBuilder text, string label, string? value)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Append(label.PadRight(11)).Append(' ').Append(value).Append('\n');
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        Validate(parseResult);
        var settings = new ConnectionSettings(
            parseResult.GetValue(_server),
            _apiKey is null ? null : parseResult.GetValue(_apiKey),
            parseResult.GetValue(_ca),
            parseResult.GetValue(_insecure));
        using var connection = KesConnection.Open(Context, settings);
        return await ExecuteAsync(parseResult, connection, cancellationToken);
    }
}

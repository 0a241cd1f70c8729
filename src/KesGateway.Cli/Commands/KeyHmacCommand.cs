using System.CommandLine;
using System.Text;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key hmac</c>: HMAC-SHA-256 of a message with a key's HMAC key (<c>PUT /v1/key/hmac/NAME</c>).</summary>
internal sealed class KeyHmacCommand : ClientCommand
{
    private readonly Argument<string> _name = new("NAME")
    {
        Description = "The key whose HMAC key is used.",
    };

    private readonly Argument<string> _message = new("MESSAGE")
    {
        Description = "The message, as text (the HMAC is computed over its UTF-8 bytes).",
    };

    private readonly Option<bool> _json = JsonOption("the HMAC");

    /// <summary>Creates the command.</summary>
    public KeyHmacCommand(CliContext context)
        : base("hmac", """
            Compute the HMAC-SHA-256 of a message with the key's HMAC key and print it (base64 and hex). The same
            key and message always give the same HMAC; MinIO derives its root credentials this way. Keys stored by
            KES versions before 2023 have no HMAC key (the server answers 409).

            Examples:
              kesgw key hmac my-key "root access key"
              kesgw key hmac my-key "root access key" --json
            """, context)
    {
        Arguments.Add(_name);
        Arguments.Add(_message);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult) => RejectOptionLike(parseResult, parseResult.GetRequiredValue(_name));

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var name = parseResult.GetRequiredValue(_name);
        var message = Encoding.UTF8.GetBytes(parseResult.GetRequiredValue(_message));
        var hmac = await connection.CallAsync(
            $"failed to compute an HMAC with key '{name}'",
            c => c.HmacAsync(name, message, cancellationToken),
            KeyCommand.CreateHint(name));
        var stdout = parseResult.InvocationConfiguration.Output;
        await stdout.WriteAsync(parseResult.GetValue(_json) || !Context.IsTerminal
            ? Json(new HmacResponse { Hmac = hmac }, CliJsonContext.Relaxed.HmacResponse)
            : $"\nhmac: {Convert.ToBase64String(hmac)}\nhex:  {Convert.ToHexStringLower(hmac)}\n");
        return CliExitCodes.Success;
    }
}

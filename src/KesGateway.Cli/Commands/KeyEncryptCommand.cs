using System.CommandLine;
using System.Text;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key encrypt</c>: encrypts a message with a key (<c>POST /v1/key/encrypt/NAME</c>).</summary>
internal sealed class KeyEncryptCommand : ClientCommand
{
    private readonly Argument<string> _name = new("NAME")
    {
        Description = "The key to encrypt with.",
    };

    private readonly Argument<string> _message = new("MESSAGE")
    {
        Description = "The message to encrypt, as text (its UTF-8 bytes are encrypted).",
    };

    private readonly Argument<string?> _context = new("CONTEXT")
    {
        Description = "Base64 of an encryption context, needed again to decrypt. [default: none]",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<bool> _json = JsonOption("the ciphertext");

    /// <summary>Creates the command.</summary>
    public KeyEncryptCommand(CliContext context)
        : base("encrypt", """
            Encrypt a message with a key and print the ciphertext (base64).

            Examples:
              kesgw key encrypt my-key "Hello World"
              kesgw key encrypt my-key "Hello World" "$(printf bucket/object | base64)"
            """, context)
    {
        Arguments.Add(_name);
        Arguments.Add(_message);
        Arguments.Add(_context);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult)
    {
        RejectOptionLike(parseResult, parseResult.GetRequiredValue(_name));
        _ = OptionalContext(parseResult, _context);
    }

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var name = parseResult.GetRequiredValue(_name);
        var message = Encoding.UTF8.GetBytes(parseResult.GetRequiredValue(_message));
        var context = OptionalContext(parseResult, _context);
        byte[] ciphertext;
        try
        {
            ciphertext = await connection.CallAsync(
                $"failed to encrypt with key '{name}'",
                c => c.EncryptAsync(name, message, context, cancellationToken),
                KeyCommand.CreateHint(name));
        }
        finally
        {
            Array.Clear(message);
        }

        var stdout = parseResult.InvocationConfiguration.Output;
        await stdout.WriteAsync(parseResult.GetValue(_json) || !Context.IsTerminal
            ? Json(new EncryptKeyResponse { Ciphertext = ciphertext }, CliJsonContext.Relaxed.EncryptKeyResponse)
            : $"\nciphertext: {Convert.ToBase64String(ciphertext)}\n");
        return CliExitCodes.Success;
    }
}

using System.CommandLine;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key decrypt</c>: decrypts a ciphertext with a key (<c>POST /v1/key/decrypt/NAME</c>).</summary>
internal sealed class KeyDecryptCommand : ClientCommand
{
    private readonly Argument<string> _name = new("NAME")
    {
        Description = "The key the ciphertext was made with.",
    };

    private readonly Argument<string> _ciphertext = new("CIPHERTEXT")
    {
        Description = "Base64 of the ciphertext (any KES format: what 'key encrypt' or 'key dek' printed).",
    };

    private readonly Argument<string?> _context = new("CONTEXT")
    {
        Description = "Base64 of the encryption context the ciphertext was made with. [default: none]",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<bool> _json = JsonOption("the plaintext");

    /// <summary>Creates the command.</summary>
    public KeyDecryptCommand(CliContext context)
        : base("decrypt", """
            Decrypt a ciphertext with a key and print the plaintext (base64).

            Examples:
              CIPHERTEXT=$(kesgw key dek my-key | jq -r .ciphertext)
              kesgw key decrypt my-key "$CIPHERTEXT"
              kesgw key decrypt my-key "$CIPHERTEXT" "$CONTEXT" --json
            """, context)
    {
        Arguments.Add(_name);
        Arguments.Add(_ciphertext);
        Arguments.Add(_context);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult)
    {
        RejectOptionLike(parseResult, parseResult.GetRequiredValue(_name));
        _ = Base64(parseResult.GetRequiredValue(_ciphertext), "ciphertext", parseResult);
        _ = OptionalContext(parseResult, _context);
    }

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var name = parseResult.GetRequiredValue(_name);
        var ciphertext = Base64(parseResult.GetRequiredValue(_ciphertext), "ciphertext", parseResult);
        var context = OptionalContext(parseResult, _context);
        var plaintext = await connection.CallAsync(
            $"failed to decrypt with key '{name}'",
            c => c.DecryptAsync(name, ciphertext, context, cancellationToken),
            KeyCommand.ListHint);
        try
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            await stdout.WriteAsync(parseResult.GetValue(_json) || !Context.IsTerminal
                ? Json(new DecryptKeyResponse { Plaintext = plaintext }, CliJsonContext.Relaxed.DecryptKeyResponse)
                : $"\nplaintext: {Convert.ToBase64String(plaintext)}\n");
        }
        finally
        {
            Array.Clear(plaintext);
        }

        return CliExitCodes.Success;
    }
}

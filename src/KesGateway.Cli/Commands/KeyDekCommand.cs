using System.CommandLine;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key dek</c>: generates a data encryption key (<c>POST /v1/key/generate/NAME</c>).</summary>
internal sealed class KeyDekCommand : ClientCommand
{
    private readonly Argument<string> _name = new("NAME")
    {
        Description = "The key that seals the new data key.",
    };

    private readonly Argument<string?> _context = new("CONTEXT")
    {
        Description = "Base64 of an encryption context, needed again to decrypt the data key. [default: none]",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<bool> _json = JsonOption("the data key");

    /// <summary>Creates the command.</summary>
    public KeyDekCommand(CliContext context)
        : base("dek", """
            Generate a new data encryption key: 32 random bytes (plaintext) and the same bytes encrypted with the key
            (ciphertext), both base64. This is what MinIO asks for each object it encrypts.

            Examples:
              kesgw key dek my-key-1
              kesgw key dek my-key-1 -k
              kesgw key dek my-key-1 "$(printf '{}' | base64)" --json
            """, context)
    {
        Arguments.Add(_name);
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
        var context = OptionalContext(parseResult, _context);
        var key = await connection.CallAsync(
            $"failed to generate a data key with key '{name}'",
            c => c.GenerateKeyAsync(name, context, cancellationToken),
            KeyCommand.CreateHint(name));
        try
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            await stdout.WriteAsync(parseResult.GetValue(_json) || !Context.IsTerminal
                ? Json(key, CliJsonContext.Relaxed.GenerateKeyResponse)
                : $"\nplaintext:  {Convert.ToBase64String(key.Plaintext)}\nciphertext: {Convert.ToBase64String(key.Ciphertext)}\n");
        }
        finally
        {
            Array.Clear(key.Plaintext);
        }

        return CliExitCodes.Success;
    }
}

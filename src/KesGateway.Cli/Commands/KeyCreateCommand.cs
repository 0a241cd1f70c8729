using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key create</c>: creates keys with fresh random material (<c>POST /v1/key/create/NAME</c>).</summary>
internal sealed class KeyCreateCommand : ClientCommand
{
    private readonly Argument<string[]> _names = new("NAME")
    {
        Description = "The key(s) to create: 1-80 characters of A-Z a-z 0-9 _ -.",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>Creates the command.</summary>
    public KeyCreateCommand(CliContext context)
        : base("create", """
            Create one or more keys on the server. Prints nothing on success, like kes. Stops at the first key that
            cannot be created; a key that already exists exits with code 7.

            Examples:
              kesgw key create my-key
              kesgw key create my-key1 my-key2
            """, context)
    {
        Arguments.Add(_names);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult) => RejectOptionLike(parseResult, parseResult.GetRequiredValue(_names));

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        foreach (var name in parseResult.GetRequiredValue(_names))
        {
            await connection.CallAsync($"failed to create key '{name}'", c => c.CreateKeyAsync(name, cancellationToken));
        }

        return CliExitCodes.Success;
    }
}

using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key rm</c>: deletes keys (<c>DELETE /v1/key/delete/NAME</c>).</summary>
internal sealed class KeyRmCommand : ClientCommand
{
    private readonly Argument<string[]> _names = new("NAME")
    {
        Description = "The key(s) to delete.",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>Creates the command.</summary>
    public KeyRmCommand(CliContext context)
        : base("rm", """
            Delete one or more keys. Prints nothing on success, like kes. Data encrypted with a deleted key can no
            longer be decrypted. Stops at the first key that cannot be deleted.

            Examples:
              kesgw key rm my-key
              kesgw key rm my-key1 my-key2
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
            await connection.CallAsync($"failed to remove key '{name}'", c => c.DeleteKeyAsync(name, cancellationToken), KeyCommand.ListHint);
        }

        return CliExitCodes.Success;
    }
}

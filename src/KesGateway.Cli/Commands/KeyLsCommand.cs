using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key ls</c>: lists keys matching a pattern (<c>GET /v1/key/list/PATTERN</c>).</summary>
internal sealed class KeyLsCommand : ClientCommand
{
    private readonly Argument<string> _pattern = new("PATTERN")
    {
        Description = "A key name prefix ending in *, or * for all keys. [default: *]",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => "*",
    };

    private readonly Option<bool> _json = JsonOption("the names");

    /// <summary>Creates the command.</summary>
    public KeyLsCommand(CliContext context)
        : base("ls", """
            List the keys whose names match PATTERN, sorted, one per line under a 'Key' header (nothing when none
            match), or as a JSON array.

            Examples:
              kesgw key ls
              kesgw key ls 'my-key*'
              kesgw key ls --json
            """, context)
    {
        Arguments.Add(_pattern);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult) => RejectOptionLike(parseResult, parseResult.GetValue(_pattern));

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var names = await Listing.KeysAsync(connection, parseResult.GetValue(_pattern) ?? "*", parseResult.InvocationConfiguration.Error, cancellationToken);
        await Listing.WriteAsync(parseResult.InvocationConfiguration.Output, "Key", names, parseResult.GetValue(_json) || !Context.IsTerminal);
        return CliExitCodes.Success;
    }
}

using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw identity ls</c>: lists identities matching a pattern (<c>GET /v1/identity/list/PATTERN</c>).</summary>
internal sealed class IdentityLsCommand : ClientCommand
{
    private readonly Argument<string> _pattern = new("PATTERN")
    {
        Description = "An identity prefix ending in *, or * for all identities. [default: all]",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => string.Empty,
    };

    private readonly Option<bool> _json = JsonOption("the identities");

    /// <summary>Creates the command.</summary>
    public IdentityLsCommand(CliContext context)
        : base("ls", """
            List the identities the server knows (the admin and every identity in a policy) that match PATTERN,
            sorted, one per line under an 'Identity' header, or as a JSON array.

            Examples:
              kesgw identity ls
              kesgw identity ls 'b804befd*'
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
        var names = await Listing.IdentitiesAsync(connection, parseResult.GetValue(_pattern) ?? string.Empty, parseResult.InvocationConfiguration.Error, cancellationToken);
        await Listing.WriteAsync(parseResult.InvocationConfiguration.Output, "Identity", names, parseResult.GetValue(_json) || !Context.IsTerminal);
        return CliExitCodes.Success;
    }
}

using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw policy ls</c>: lists policies matching a pattern (<c>GET /v1/policy/list/PATTERN</c>).</summary>
internal sealed class PolicyLsCommand : ClientCommand
{
    private readonly Argument<string> _pattern = new("PATTERN")
    {
        Description = "A policy name prefix ending in *, or * for all policies. [default: *]",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => "*",
    };

    private readonly Option<bool> _json = JsonOption("the names");

    /// <summary>Creates the command.</summary>
    public PolicyLsCommand(CliContext context)
        : base("ls", """
            List the policies whose names match PATTERN, sorted, one per line under a 'Policy' header (nothing when
            none match), or as a JSON array.

            Examples:
              kesgw policy ls
              kesgw policy ls 'minio*'
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
        var names = await Listing.PoliciesAsync(connection, parseResult.GetValue(_pattern) ?? "*", parseResult.InvocationConfiguration.Error, cancellationToken);
        await Listing.WriteAsync(parseResult.InvocationConfiguration.Output, "Policy", names, parseResult.GetValue(_json) || !Context.IsTerminal);
        return CliExitCodes.Success;
    }
}

using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw ls</c>: lists keys, or with <c>-p</c> policies, or with <c>-i</c> identities (kes cmd/kes/ls.go).</summary>
internal sealed class LsCommand : ClientCommand
{
    private readonly Option<bool> _identity = new("--identity", "-i")
    {
        Description = "List identities instead of keys.",
    };

    private readonly Option<bool> _policy = new("--policy", "-p")
    {
        Description = "List policies instead of keys.",
    };

    private readonly Option<bool> _json = JsonOption("the names");

    private readonly Argument<string?> _prefix = new("PREFIX")
    {
        Description = "List only names starting with PREFIX (a trailing * is allowed). [default: all]",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Creates the command.</summary>
    public LsCommand(CliContext context)
        : base("ls", """
            List the keys of a KES server, or its policies (-p) or identities (-i), sorted, one per line.

            Examples:
              kesgw ls
              kesgw ls my-key
              kesgw ls -p
              kesgw ls -i --json
              kesgw ls -s 127.0.0.1:7373 -a kes:v1:… -k
            """, context, kesLsFlags: true)
    {
        Options.Add(_identity);
        Options.Add(_policy);
        Options.Add(_json);
        Arguments.Add(_prefix);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult)
    {
        RejectOptionLike(parseResult, parseResult.GetValue(_prefix));
        if (parseResult.GetValue(_identity) && parseResult.GetValue(_policy))
        {
            throw new CliException("'-p / --policy' and '-i / --identity' must not be used at the same time");
        }
    }

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var stdout = parseResult.InvocationConfiguration.Output;
        var stderr = parseResult.InvocationConfiguration.Error;
        var prefix = parseResult.GetValue(_prefix) ?? string.Empty;
        var json = parseResult.GetValue(_json) || !Context.IsTerminal;
        if (parseResult.GetValue(_identity))
        {
            await Listing.WriteAsync(stdout, "Identity", await Listing.IdentitiesAsync(connection, prefix, stderr, cancellationToken), json);
        }
        else if (parseResult.GetValue(_policy))
        {
            await Listing.WriteAsync(stdout, "Policy", await Listing.PoliciesAsync(connection, prefix, stderr, cancellationToken), json);
        }
        else
        {
            await Listing.WriteAsync(stdout, "Key", await Listing.KeysAsync(connection, prefix, stderr, cancellationToken), json);
        }

        return CliExitCodes.Success;
    }
}

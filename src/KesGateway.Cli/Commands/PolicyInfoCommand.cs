using System.CommandLine;
using System.Text;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw policy info</c>: describes a policy (<c>GET /v1/policy/describe/NAME</c>).</summary>
internal sealed class PolicyInfoCommand : ClientCommand
{
    private readonly Argument<string> _name = new("NAME")
    {
        Description = "The policy to describe.",
    };

    private readonly Option<bool> _json = JsonOption("the policy's description");

    /// <summary>Creates the command.</summary>
    public PolicyInfoCommand(CliContext context)
        : base("info", """
            Print a policy's name, when it was created (local time) and by whom.

            Examples:
              kesgw policy info my-policy
              kesgw policy info my-policy --json
            """, context)
    {
        Arguments.Add(_name);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult) => RejectOptionLike(parseResult, parseResult.GetRequiredValue(_name));

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var name = parseResult.GetRequiredValue(_name);
        var info = await connection.CallAsync($"failed to describe policy '{name}'", c => c.DescribePolicyAsync(name, cancellationToken), PolicyCommand.ListHint);
        var stdout = parseResult.InvocationConfiguration.Output;
        if (parseResult.GetValue(_json) || !Context.IsTerminal)
        {
            var json = Context.IsTerminal ? CliJsonContext.RelaxedIndented : CliJsonContext.Relaxed;
            await stdout.WriteAsync(Json(info, json.DescribePolicyResponse));
            return CliExitCodes.Success;
        }

        var text = new StringBuilder();
        Row(text, "Name", info.Name);
        if (info.CreatedAt != default)
        {
            Row(text, "Date", Date(info.CreatedAt));
        }

        if (!string.IsNullOrEmpty(info.CreatedBy))
        {
            Row(text, "Created by", info.CreatedBy);
        }

        await stdout.WriteAsync(text.ToString());
        return CliExitCodes.Success;
    }
}

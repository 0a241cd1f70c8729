using System.CommandLine;
using System.Text;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw policy show</c>: a policy's allow and deny patterns (<c>GET /v1/policy/read/NAME</c>).</summary>
internal sealed class PolicyShowCommand : ClientCommand
{
    private readonly Argument<string> _name = new("NAME")
    {
        Description = "The policy to show.",
    };

    private readonly Option<bool> _json = JsonOption("the policy");

    /// <summary>Creates the command.</summary>
    public PolicyShowCommand(CliContext context)
        : base("show", """
            Print a policy's allow and deny rules (API path patterns; deny wins), when it was created and by whom.

            Examples:
              kesgw policy show my-policy
              kesgw policy show my-policy --json
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
        var policy = await connection.CallAsync($"failed to show policy '{name}'", c => c.ReadPolicyAsync(name, cancellationToken), PolicyCommand.ListHint);
        var stdout = parseResult.InvocationConfiguration.Output;
        if (parseResult.GetValue(_json) || !Context.IsTerminal)
        {
            var json = Context.IsTerminal ? CliJsonContext.RelaxedIndented : CliJsonContext.Relaxed;
            await stdout.WriteAsync(Json(policy, json.ReadPolicyResponse));
            return CliExitCodes.Success;
        }

        var text = new StringBuilder();
        var allow = policy.Allow?.Keys.Order(StringComparer.Ordinal).ToList() ?? [];
        var deny = policy.Deny?.Keys.Order(StringComparer.Ordinal).ToList() ?? [];
        if (allow.Count > 0)
        {
            text.Append("Allow:\n");
            foreach (var rule in allow)
            {
                text.Append("  · ").Append(rule).Append('\n');
            }
        }

        if (deny.Count > 0)
        {
            if (allow.Count > 0)
            {
                text.Append('\n');
            }

            text.Append("Deny:\n");
            foreach (var rule in deny)
            {
                text.Append("  · ").Append(rule).Append('\n');
            }
        }

        text.Append('\n');
        if (policy.CreatedAt != default)
        {
            text.Append("Created at: ").Append(Date(policy.CreatedAt)).Append('\n');
        }

        text.Append("Created by: ").Append(string.IsNullOrEmpty(policy.CreatedBy) ? "<unknown>" : policy.CreatedBy).Append('\n');
        await stdout.WriteAsync(text.ToString());
        return CliExitCodes.Success;
    }
}

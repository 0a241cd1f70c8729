using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw policy</c>: the group of policy commands (kes cmd/kes/policy.go). Policies are read-only: they come from the server's config file.</summary>
internal sealed class PolicyCommand : Command
{
    /// <summary>Creates the group and its subcommands.</summary>
    public PolicyCommand(CliContext context)
        : base("policy", "Inspect the policies of a KES server (read-only: policies are defined in the server's config file).")
    {
        Subcommands.Add(new PolicyInfoCommand(context));
        Subcommands.Add(new PolicyLsCommand(context));
        Subcommands.Add(new PolicyShowCommand(context));
        this.SetCliAction((parseResult, _) =>
            throw new CliException($"missing command: use 'info', 'ls' or 'show'. See '{CliAction.CommandPath(parseResult)} --help'"));
    }

    /// <summary>The hint added to "policy does not exist".</summary>
    public const string ListHint = "List the policies with 'kesgw policy ls'";
}

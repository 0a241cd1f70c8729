using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw identity</c>: the group of identity commands.</summary>
internal sealed class IdentityCommand : Command
{
    /// <summary>Creates the group and its subcommands.</summary>
    public IdentityCommand(CliContext context)
        : base(
            "identity",
            "Create API keys and certificates, compute KES identities (SHA-256 fingerprints of public keys), and "
            + "describe or list the identities a server knows.")
    {
        Subcommands.Add(new IdentityNewCommand(context));
        Subcommands.Add(new IdentityOfCommand(context));
        Subcommands.Add(new IdentityCertCommand(context));
        Subcommands.Add(new IdentityInfoCommand(context));
        Subcommands.Add(new IdentityLsCommand(context));
        this.SetCliAction((parseResult, _) =>
            throw new CliException($"missing command: use 'new', 'of', 'cert', 'info' or 'ls'. See '{CliAction.CommandPath(parseResult)} --help'"));
    }
}

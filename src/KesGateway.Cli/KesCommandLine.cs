using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using KesGateway.Cli.Commands;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli;

/// <summary>Builds the <c>kesgw</c> command tree.</summary>
internal static class KesCommandLine
{
    /// <summary>The executable's name, used in messages and hints.</summary>
    public const string ExecutableName = "kesgw";

    /// <summary>Builds the root command; <paramref name="context"/> defaults to the real console and clock.</summary>
    public static RootCommand Build(CliContext? context = null)
    {
        context ??= CliContext.FromConsole();
        var root = new RootCommand("""
            KesGateway: a KES-compatible key server and gateway.

            Client commands (ls, key, policy, identity info|ls, log, status, metric) speak only the KES API, to
            KesGateway or any KES server: set KES_SERVER and KES_API_KEY (see any client command's --help).

            Exit codes: 0 success, 1 failure, 2 bad usage or input, 3 server unreachable, 4 TLS failure,
            5 not allowed (403), 6 not found, 7 key already exists.
            """);
        foreach (var option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new VersionAction();
            }
            else if (option is HelpOption { Action: SynchronousCommandLineAction help } helpOption)
            {
                helpOption.Action = new SummaryHelpAction(help);
            }
        }

        root.Subcommands.Add(new ServerCommand(context));
        root.Subcommands.Add(new LsCommand(context));
        root.Subcommands.Add(new KeyCommand(context));
        root.Subcommands.Add(new PolicyCommand(context));
        root.Subcommands.Add(new IdentityCommand(context));
        root.Subcommands.Add(new LogCommand(context));
        root.Subcommands.Add(new StatusCommand(context));
        root.Subcommands.Add(new MetricCommand(context));
        root.Subcommands.Add(new ReadyCommand(context));
        root.SetCliAction((_, _) => throw new CliException($"missing command. See '{ExecutableName} --help'"));
        return root;
    }
}

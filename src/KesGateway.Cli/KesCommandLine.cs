using System.CommandLine;
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

            Exit codes: 0 success, 1 failure, 2 bad usage or input.
            """);
        foreach (var option in root.Options)
        {
            if (option is VersionOption version)
            {
                version.Action = new VersionAction();
            }
        }

        root.Subcommands.Add(new ServerCommand(context));
        root.Subcommands.Add(new IdentityCommand(context));
        root.SetCliAction((_, _) => throw new CliException($"missing command. See '{ExecutableName} --help'"));
        return root;
    }
}

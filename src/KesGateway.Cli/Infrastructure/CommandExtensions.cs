using System.CommandLine;

namespace KesGateway.Cli.Infrastructure;

/// <summary>Helpers for building commands.</summary>
internal static class CommandExtensions
{
    /// <summary>
    /// Like <see cref="Command.SetAction(Func{ParseResult, CancellationToken, Task{int}})"/>, but through
    /// <see cref="CliAction"/> so errors become <c>Error: …</c> lines and <see cref="CliExitCodes"/>.
    /// </summary>
    public static void SetCliAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Action = new CliAction(action);
    }
}

using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text;

namespace KesGateway.Cli.Infrastructure;

/// <summary>
/// System.CommandLine's help, with each entry of the <c>Commands:</c> list cut to the first paragraph of the
/// subcommand's description. The full description (examples, connection variables) is the subcommand's own help;
/// repeated for every subcommand it made a group's help a wall of text. System.CommandLine 2.0 keeps its help builder
/// internal, so the default help is rendered into a buffer and trimmed.
/// </summary>
internal sealed class SummaryHelpAction : SynchronousCommandLineAction
{
    private readonly SynchronousCommandLineAction _inner;

    /// <summary>Wraps the default help action.</summary>
    public SummaryHelpAction(SynchronousCommandLineAction inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc/>
    public override bool ClearsParseErrors => _inner.ClearsParseErrors;

    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        if (parseResult.InvocationConfiguration.Output is Capture)
        {
            return _inner.Invoke(parseResult);
        }

        using var capture = new Capture();
        var again = parseResult.RootCommandResult.Command.Parse([.. parseResult.Tokens.Select(t => t.Value)]);
        var exitCode = again.Invoke(new InvocationConfiguration { Output = capture, Error = capture, ProcessTerminationTimeout = null });
        parseResult.InvocationConfiguration.Output.Write(Summarize(capture.ToString()));
        return exitCode;
    }

    /// <summary>Keeps, in the <c>Commands:</c> section, only each entry's lines up to its first blank line.</summary>
    internal static string Summarize(string help)
    {
        ArgumentNullException.ThrowIfNull(help);
        var lines = help.ReplaceLineEndings("\n").Split('\n');
        var output = new StringBuilder();
        var inCommands = false;
        var keeping = true;
        foreach (var line in lines)
        {
            if (!inCommands)
            {
                inCommands = line == "Commands:";
                output.Append(line).Append('\n');
                continue;
            }

            if (line.Length == 0 || line[0] != ' ')
            {
                // The end of the section.
                inCommands = line == "Commands:";
                keeping = true;
                output.Append(line).Append('\n');
                continue;
            }

            if (line.Length > 2 && line[2] != ' ')
            {
                // A new entry: "  name   first line of its description".
                keeping = true;
            }
            else if (line.Trim().Length == 0)
            {
                keeping = false;
            }

            if (keeping)
            {
                output.Append(line).Append('\n');
            }
        }

        return output.ToString(0, output.Length - 1).Replace("\n", Environment.NewLine, StringComparison.Ordinal);
    }

    private sealed class Capture : StringWriter
    {
        public Capture()
            : base(System.Globalization.CultureInfo.InvariantCulture)
        {
        }
    }
}

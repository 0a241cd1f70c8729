using System.CommandLine;
using System.CommandLine.Invocation;
using System.Security.Cryptography;

namespace KesGateway.Cli.Infrastructure;

/// <summary>
/// Runs a command body and turns every failure into <c>Error: message</c> on stderr and an exit code from
/// <see cref="CliExitCodes"/>. It also reports parse errors itself: System.CommandLine's own error action always
/// exits 1 and prints help to stdout, which would break scripts that parse our stdout.
/// </summary>
internal sealed class CliAction : AsynchronousCommandLineAction
{
    private readonly Func<ParseResult, CancellationToken, Task<int>> _body;

    /// <summary>Creates the action for <paramref name="body"/>, which returns the exit code.</summary>
    public CliAction(Func<ParseResult, CancellationToken, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _body = body;
    }

    /// <summary>
    /// Gets <see langword="true"/>: System.CommandLine then does not swap in its parse-error action; option and
    /// argument errors stay in <see cref="ParseResult.Errors"/> and stray tokens in
    /// <see cref="ParseResult.UnmatchedTokens"/>, and <see cref="InvokeAsync"/> reports both.
    /// </summary>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc/>
    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var stderr = parseResult.InvocationConfiguration.Error;
        if (ReportUsageErrors(parseResult))
        {
            return CliExitCodes.Usage;
        }

        try
        {
            return await _body(parseResult, cancellationToken);
        }
        catch (CliException ex)
        {
            await stderr.WriteLineAsync("Error: " + ex.Message);
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("Error: canceled");
            return CliExitCodes.Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            await stderr.WriteLineAsync("Error: " + ex.Message);
            return CliExitCodes.Failure;
        }
#pragma warning disable CA1031 // Last resort: System.CommandLine's default handler would print a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await stderr.WriteLineAsync($"Error: unexpected {ex.GetType().Name}: {ex.Message}");
            return CliExitCodes.Failure;
        }
    }

    /// <summary>Writes parse errors and unknown tokens as usage errors; returns whether there were any.</summary>
    public static bool ReportUsageErrors(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var stderr = parseResult.InvocationConfiguration.Error;
        var any = false;
        foreach (var error in parseResult.Errors)
        {
            stderr.WriteLine("Error: " + error.Message);
            any = true;
        }

        foreach (var token in parseResult.UnmatchedTokens)
        {
            stderr.WriteLine($"Error: unrecognized command or argument '{token}'");
            any = true;
        }

        if (any)
        {
            stderr.WriteLine($"See '{CommandPath(parseResult)} --help'.");
        }

        return any;
    }

    /// <summary>Returns the invoked command as typed, e.g. <c>kesgw identity new</c>.</summary>
    public static string CommandPath(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Parent is null ? KesCommandLine.ExecutableName : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}

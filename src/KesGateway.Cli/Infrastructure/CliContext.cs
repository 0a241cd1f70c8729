namespace KesGateway.Cli.Infrastructure;

/// <summary>
/// What commands take from their surroundings besides stdout/stderr (which come from System.CommandLine's
/// <c>InvocationConfiguration</c>): whether stdout is a terminal, and the clock. Tests pass their own.
/// </summary>
internal sealed class CliContext
{
    /// <summary>Creates a context.</summary>
    public CliContext(bool isTerminal, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        IsTerminal = isTerminal;
        TimeProvider = timeProvider;
    }

    /// <summary>Gets a value indicating whether stdout is an interactive terminal (human text) or not (machine output).</summary>
    public bool IsTerminal { get; }

    /// <summary>Gets the clock, e.g. for certificate validity.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Creates the context of the real process.</summary>
    public static CliContext FromConsole() => new(!Console.IsOutputRedirected, TimeProvider.System);
}

using System.Text;

namespace KesGateway.Cli.Infrastructure;

/// <summary>
/// What commands take from their surroundings besides stdout/stderr (which come from System.CommandLine's
/// <c>InvocationConfiguration</c>): whether stdout is a terminal, the clock, the environment variables and a way to ask
/// for a password. Tests pass their own.
/// </summary>
internal sealed class CliContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="isTerminal">Whether stdout is an interactive terminal.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="environment">Reads an environment variable (null = not set); by default nothing is set.</param>
    /// <param name="readPassword">Asks for a password with the given prompt, or null when nobody can be asked.</param>
    /// <param name="lockMemory">Whether <c>kesgw server</c> locks the process memory (mlockall); only the real process does, never a test host.</param>
    public CliContext(
        bool isTerminal,
        TimeProvider timeProvider,
        Func<string, string?>? environment = null,
        Func<string, string?>? readPassword = null,
        bool lockMemory = false)
    {
        LockMemory = lockMemory;
        ArgumentNullException.ThrowIfNull(timeProvider);
        IsTerminal = isTerminal;
        TimeProvider = timeProvider;
        GetEnvironmentVariable = environment ?? (_ => null);
        ReadPassword = readPassword;
    }

    /// <summary>Gets a value indicating whether stdout is an interactive terminal (human text) or not (machine output).</summary>
    public bool IsTerminal { get; }

    /// <summary>Gets the clock, e.g. for certificate validity, latencies and refresh intervals.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the environment variable lookup (null = not set).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; }

    /// <summary>Gets the password prompt (argument: the prompt; result: null when there is no terminal to ask on), or null.</summary>
    public Func<string, string?>? ReadPassword { get; }

    /// <summary>Gets a value indicating whether <c>kesgw server</c> locks the process memory (mlockall): the real process does; tests running commands in their own process do not.</summary>
    public bool LockMemory { get; }

    /// <summary>Creates the context of the real process.</summary>
    public static CliContext FromConsole() => new(
        !Console.IsOutputRedirected,
        TimeProvider.System,
        Environment.GetEnvironmentVariable,
        ReadPasswordFromConsole,
        lockMemory: true);

    // Like kes: the prompt goes to stderr and the typed characters are not echoed.
    // Console.IsInputRedirected is asked only here: touching the console's input side makes .NET switch the terminal
    // to keypad mode (escape codes on stdout).
    private static string? ReadPasswordFromConsole(string prompt)
    {
        if (Console.IsInputRedirected)
        {
            return null;
        }

        Console.Error.Write(prompt);
        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
            }
            else if (key.KeyChar != '\0')
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}

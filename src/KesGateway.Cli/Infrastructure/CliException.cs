namespace KesGateway.Cli.Infrastructure;

/// <summary>An error to print as <c>Error: message</c> (no stack trace) before exiting with <see cref="ExitCode"/>.</summary>
internal sealed class CliException : Exception
{
    /// <summary>Creates a usage error (exit code 2).</summary>
    public CliException(string message)
        : this(message, CliExitCodes.Usage)
    {
    }

    /// <summary>Creates an error with the given exit code.</summary>
    public CliException(string message, int exitCode)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>Creates a usage error with a cause.</summary>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = CliExitCodes.Usage;
    }

    /// <summary>Creates a usage error with a default message.</summary>
    public CliException()
        : this("invalid command line")
    {
    }

    /// <summary>Gets the process exit code.</summary>
    public int ExitCode { get; }
}

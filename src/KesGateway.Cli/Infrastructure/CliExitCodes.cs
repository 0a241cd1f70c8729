namespace KesGateway.Cli.Infrastructure;

/// <summary>
/// Process exit codes of <c>kesgw</c>. KES itself exits 1 on every error (and 2 after <c>--help</c>); we keep 1 for
/// failures and separate bad usage or input so scripts can tell "fix your command" from "something broke".
/// </summary>
internal static class CliExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command failed for a reason other than its input: I/O errors, unexpected errors.</summary>
    public const int Failure = 1;

    /// <summary>
    /// The command line or an input was wrong: unknown or missing arguments, an invalid API key, IP address or
    /// duration, a missing or unreadable input file, an output file that exists without <c>--force</c>.
    /// </summary>
    public const int Usage = 2;
}

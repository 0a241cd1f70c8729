namespace KesGateway.Cli.Infrastructure;

/// <summary>
/// Process exit codes of <c>kesgw</c>. KES itself exits 1 on every error (and 2 after <c>--help</c>); we keep 1 for
/// failures, separate bad usage or input so scripts can tell "fix your command" from "something broke", and give the
/// failures a client command can act on codes of their own.
/// </summary>
internal static class CliExitCodes
{
    /// <summary>The command did what was asked (for <c>log</c> and <c>metric</c>: until Ctrl+C).</summary>
    public const int Success = 0;

    /// <summary>
    /// The command failed for a reason without a code of its own: I/O errors, a server error (5xx other than a
    /// timeout, 4xx other than below), an unexpected answer, a log stream the server closed.
    /// </summary>
    public const int Failure = 1;

    /// <summary>
    /// The command line or an input was wrong: unknown or missing arguments, an invalid API key, IP address, base64
    /// value or duration, a missing or unreadable input file, an output file that exists without <c>--force</c>, missing
    /// or conflicting connection settings (no API key, API key and certificate both set).
    /// </summary>
    public const int Usage = 2;

    /// <summary>No server could be reached: connection refused, unknown host, connect or call timeout, connection lost.</summary>
    public const int Unreachable = 3;

    /// <summary>TLS failed: the server's certificate is not trusted (use <c>--ca</c> or <c>-k</c>), or the server refused the client certificate.</summary>
    public const int Tls = 4;

    /// <summary>The server answered 403: the identity used is not allowed to do this.</summary>
    public const int Forbidden = 5;

    /// <summary>The server answered 404: the key, policy or identity does not exist.</summary>
    public const int NotFound = 6;

    /// <summary>The key to create or import already exists.</summary>
    public const int AlreadyExists = 7;
}

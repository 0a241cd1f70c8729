namespace KesGateway.LoadTests;

/// <summary>A bad command line or target: printed as one line and exit code 2; anything else is a bug and keeps its stack trace.</summary>
public sealed class UsageException : ArgumentException
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

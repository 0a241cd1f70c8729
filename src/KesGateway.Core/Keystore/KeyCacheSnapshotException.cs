namespace KesGateway.Core.Keystore;

/// <summary>A warm-start snapshot could not be read or written; the message names the file, never key material.</summary>
public sealed class KeyCacheSnapshotException : Exception
{
    /// <summary>Creates an exception.</summary>
    public KeyCacheSnapshotException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public KeyCacheSnapshotException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public KeyCacheSnapshotException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace KesGateway.Core.Keystore;

/// <summary>The <see cref="KeyCache"/> marked the keystore offline or back online.</summary>
public sealed class KeyStoreStateChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public KeyStoreStateChangedEventArgs(bool isOffline, Exception? error)
    {
        IsOffline = isOffline;
        Error = error;
    }

    /// <summary>Gets whether the keystore is now offline.</summary>
    public bool IsOffline { get; }

    /// <summary>Gets the failure that marked the keystore offline; null when it came back online.</summary>
    public Exception? Error { get; }
}

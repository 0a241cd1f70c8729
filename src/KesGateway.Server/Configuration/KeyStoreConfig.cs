namespace KesGateway.Server.Configuration;

/// <summary>The keystore section (<c>keystore:</c>); exactly one kind.</summary>
public abstract record KeyStoreConfig
{
    /// <summary>Gets the kind as named in the file (<c>fs</c>, <c>vault</c>, …).</summary>
    public abstract string Kind { get; }
}

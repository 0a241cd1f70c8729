using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Core.Keystore;
using KesGateway.Server.Configuration;

namespace KesGateway.Server.Hosting;

/// <summary>What the composition root needs to start a server; the CLI and the tests fill it.</summary>
public sealed class GatewayOptions
{
    /// <summary>Gets the validated configuration.</summary>
    public required ServerConfig Config { get; init; }

    /// <summary>Gets the config file <see cref="Config"/> was loaded from; with <c>gateway.watch</c> on, it and the files it names are
    /// watched and reloaded on change. <see langword="null"/> (dev mode, tests) watches nothing.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>Gets how long watched files must be quiet after a change before they are compared.</summary>
    /// <value>Default 500 ms: a certificate and its key are written one after the other.</value>
    public TimeSpan ConfigWatchDebounce { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets how often watched files are compared even without a file-system event.</summary>
    /// <value>Default 30 s, for file systems whose events never arrive.</value>
    public TimeSpan ConfigWatchPoll { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the endpoint to listen on, overriding <see cref="ServerConfig.Address"/> (tests use 127.0.0.1:0).</summary>
    public IPEndPoint? Listen { get; init; }

    /// <summary>Gets the clock.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Gets where audit lines go.</summary>
    /// <value>Default standard output.</value>
    public TextWriter AuditOutput { get; init; } = Console.Out;

    /// <summary>Gets a keystore to use instead of the one the config names (dev mode's in-memory store).</summary>
    public IKeyStore? KeyStore { get; init; }

    /// <summary>Gets a server certificate (with its key and chain) to use instead of loading <c>tls.key</c>/<c>tls.cert</c>.</summary>
    public X509Certificate2Collection? ServerCertificate { get; init; }

    /// <summary>Gets how often the key cache asks the keystore for its status, which is how an outage ends.</summary>
    /// <value>Default 10 s, KES's fixed interval.</value>
    public TimeSpan KeyCacheStatusInterval { get; init; } = TimeSpan.FromSeconds(10);
}

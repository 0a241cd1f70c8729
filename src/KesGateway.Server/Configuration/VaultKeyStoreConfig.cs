namespace KesGateway.Server.Configuration;

/// <summary>The HashiCorp Vault keystore (<c>keystore.vault</c>, kes-compat §7.1); defaults are KES's.</summary>
public sealed record VaultKeyStoreConfig : KeyStoreConfig
{
    /// <inheritdoc/>
    public override string Kind => "vault";

    /// <summary>Gets the Vault URL, e.g. <c>https://127.0.0.1:8200</c>.</summary>
    public required string Endpoint { get; init; }

    /// <summary>Gets the mount path of the K/V engine.</summary>
    /// <value>Default <c>kv</c>.</value>
    public string Engine { get; init; } = "kv";

    /// <summary>Gets the K/V engine version, <c>v1</c> or <c>v2</c>.</summary>
    /// <value>Default <c>v1</c>.</value>
    public string Version { get; init; } = "v1";

    /// <summary>Gets the Vault namespace sent with data calls; empty for none.</summary>
    public string Namespace { get; init; } = string.Empty;

    /// <summary>Gets the path prefix keys are stored under; empty for none.</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>Gets the AppRole login; exactly one of <see cref="AppRole"/> and <see cref="Kubernetes"/> is set.</summary>
    public VaultAppRoleConfig? AppRole { get; init; }

    /// <summary>Gets the Kubernetes login; exactly one of <see cref="AppRole"/> and <see cref="Kubernetes"/> is set.</summary>
    public VaultKubernetesConfig? Kubernetes { get; init; }

    /// <summary>Gets the transit key that wraps stored values, if any.</summary>
    public VaultTransitConfig? Transit { get; init; }

    /// <summary>Gets the client TLS settings for talking to Vault.</summary>
    public VaultTlsConfig Tls { get; init; } = new();

    /// <summary>Gets how often Vault's health (sealed or not) is polled.</summary>
    /// <value>Default 15 seconds, what KES applies when unset (its sample config's 10s is only an example).</value>
    public TimeSpan StatusPing { get; init; } = TimeSpan.FromSeconds(15);
}

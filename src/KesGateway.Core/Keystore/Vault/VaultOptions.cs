namespace KesGateway.Core.Keystore.Vault;

/// <summary>How <see cref="VaultKeyStore"/> reaches Vault and where it keeps keys (vault-compat §1); defaults are KES's.</summary>
public sealed class VaultOptions
{
    /// <summary>Gets or sets Vault's URL: <c>https</c>, <c>http</c> or <c>unix:///path/to/socket</c>; a path
    /// (<c>https://host/vault</c>) is kept, so requests go to <c>/vault/v1/…</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the mount path of the K/V engine.</summary>
    /// <value>Default <c>kv</c>.</value>
    public string Engine { get; set; } = "kv";

    /// <summary>Gets or sets the K/V API version; it must match the mount.</summary>
    /// <value>Default <see cref="VaultKvVersion.V1"/>.</value>
    public VaultKvVersion Version { get; set; } = VaultKvVersion.V1;

    /// <summary>Gets or sets the Vault namespace of K/V, transit and token calls; empty sends no namespace header.</summary>
    /// <value>Default empty.</value>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>Gets or sets the path between the mount and the key names, e.g. <c>tenant-1</c>.</summary>
    /// <value>Default empty.</value>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Gets or sets the AppRole login; exactly one of <see cref="AppRole"/> and <see cref="Kubernetes"/> is set.</summary>
    public VaultAppRoleOptions? AppRole { get; set; }

    /// <summary>Gets or sets the Kubernetes login; exactly one of <see cref="AppRole"/> and <see cref="Kubernetes"/> is set.</summary>
    public VaultKubernetesOptions? Kubernetes { get; set; }

    /// <summary>Gets or sets the transit key that encrypts stored values, or <see langword="null"/> to store them as they are.</summary>
    public VaultTransitOptions? Transit { get; set; }

    /// <summary>Gets or sets the client TLS settings.</summary>
    public VaultTlsOptions Tls { get; set; } = new();

    /// <summary>Gets or sets how often Vault's seal state is polled; the first probe runs at once.</summary>
    /// <value>Default 15 seconds (KES's code default; its docs say 10 s).</value>
    public TimeSpan StatusPing { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long to wait between failed logins (config <c>approle.retry</c> / <c>kubernetes.retry</c>).</summary>
    /// <value>Default 3 s, as current KES hard-codes it.</value>
    public TimeSpan LoginRetryInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets or sets how many times a call is repeated after a transport error, 412, 429 or 5xx other than 501.</summary>
    /// <value>Default 2, so 3 attempts, as Vault's Go SDK makes.</value>
    public int RetryCount { get; set; } = 2;

    /// <summary>Gets or sets the unit of the linear back-off: before retry <c>n</c> the client waits <c>n × uniform(1, 1.5) × RetryBaseDelay</c>.</summary>
    /// <value>Default 1 second.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the limit of one call, retries and redirect included.</summary>
    /// <value>Default 60 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long a pooled connection to Vault is reused before a new one is opened; KES opens a
    /// connection per request instead, and a bounded lifetime plus a short idle timeout avoids the hung-connection
    /// problem that made it do so (minio/kes#486) without paying a TLS handshake per call.</summary>
    /// <value>Default 1 minute.</value>
    public TimeSpan ConnectionLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long an idle pooled connection is kept.</summary>
    /// <value>Default 10 seconds.</value>
    public TimeSpan ConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the clock of the timeouts, back-offs, seal checks and token renewal.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets a handler that replaces the network stack (tests); TLS options are then not applied, and
    /// the handler is not disposed with the keystore.</summary>
    /// <value>Default <see langword="null"/>: a <see cref="SocketsHttpHandler"/> built from these options.</value>
    public HttpMessageHandler? HttpMessageHandler { get; set; }
}

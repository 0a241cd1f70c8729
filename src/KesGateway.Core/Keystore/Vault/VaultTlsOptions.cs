namespace KesGateway.Core.Keystore.Vault;

/// <summary>Client TLS towards Vault (<c>keystore.vault.tls</c>); unreadable material fails <see cref="VaultKeyStore.ConnectAsync"/>.</summary>
public sealed class VaultTlsOptions
{
    /// <summary>Gets or sets the PEM client certificate for mTLS, or <see langword="null"/>; set together with <see cref="ClientKeyFile"/>.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>Gets or sets the PEM private key of <see cref="ClientCertificateFile"/> (unencrypted), or <see langword="null"/>.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>Gets or sets a PEM file, or a directory of PEM files, holding the CA certificates that verify Vault;
    /// <see langword="null"/> for the system roots.</summary>
    public string? CaPath { get; set; }
}

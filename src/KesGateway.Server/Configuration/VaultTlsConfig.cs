namespace KesGateway.Server.Configuration;

/// <summary>Client TLS towards Vault (<c>keystore.vault.tls</c>); key and certificate come together or not at all.</summary>
public sealed record VaultTlsConfig
{
    /// <summary>Gets the path of the PEM private key for mTLS to Vault, or <see langword="null"/>.</summary>
    public string? KeyPath { get; init; }

    /// <summary>Gets the path of the PEM client certificate for mTLS to Vault, or <see langword="null"/>.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Gets a file or directory of PEM CA certificates that verify Vault's certificate, or <see langword="null"/> for the system roots.</summary>
    public string? CaPath { get; init; }
}

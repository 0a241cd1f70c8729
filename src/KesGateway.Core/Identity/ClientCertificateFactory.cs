namespace KesGateway.Core.Identity;

/// <summary>
/// Creates the self-signed Ed25519 client certificate a KES client derives from an API key (kms-go
/// <c>GenerateCertificate</c>); it only authenticates to servers that do not verify client certificates.
/// </summary>
public static class ClientCertificateFactory
{
    /// <summary>How long the certificate is valid, as in kms-go.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(90);

    /// <summary>
    /// Creates the certificate: Subject CN = the identity, valid from now for 90 days, EKU clientAuth, CA=false.
    /// </summary>
    public static Ed25519Certificate Create(ApiKey apiKey, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var now = timeProvider.GetUtcNow();
        return Ed25519CertificateBuilder.Build(
            apiKey,
            apiKey.Identity.Value,
            now,
            now + Validity,
            serverAuth: false,
            dnsNames: [],
            ipAddresses: []);
    }
}

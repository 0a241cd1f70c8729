namespace KesGateway.Core.Client;

/// <summary>
/// The environment variables KES clients read their connection settings from (kes-compat §12, kes
/// internal/cli/env.go), in kes's precedence: for each setting the first variable that is <em>set</em> wins, even when
/// it is set to an empty value. A few names that MinIO uses and kes does not (CA path, key password, MinIO's own
/// certificate variables) come last, so a MinIO environment works as is.
/// </summary>
public static class KesClientEnvironment
{
    /// <summary>The server used when no server variable is set, as in kes.</summary>
    public const string DefaultServer = "127.0.0.1:7373";

    /// <summary>Gets the variables naming the server(s): a comma-separated list of <c>host:port</c> or URLs.</summary>
    public static IReadOnlyList<string> Server { get; } = ["MINIO_KES_SERVER", "KES_SERVER", "MINIO_KMS_KES_ENDPOINT"];

    /// <summary>Gets the variables holding the API key (<c>kes:v1:…</c>).</summary>
    public static IReadOnlyList<string> ApiKey { get; } = ["MINIO_KES_API_KEY", "KES_API_KEY", "MINIO_KMS_KES_API_KEY"];

    /// <summary>Gets the variables naming the client's PEM private key file (the last one is MinIO's).</summary>
    public static IReadOnlyList<string> PrivateKeyFile { get; } = ["MINIO_KES_KEY_FILE", "KES_CLIENT_KEY", "MINIO_KES_CLIENT_KEY", "MINIO_KMS_KES_KEY_FILE"];

    /// <summary>Gets the variables naming the client's PEM certificate file (the last one is MinIO's).</summary>
    public static IReadOnlyList<string> CertificateFile { get; } = ["MINIO_KES_CERT_FILE", "KES_CLIENT_CERT", "MINIO_KES_CLIENT_CERT", "MINIO_KMS_KES_CERT_FILE"];

    /// <summary>Gets the variables holding the password of an encrypted private key file (not read by kes, which prompts).</summary>
    public static IReadOnlyList<string> PrivateKeyPassword { get; } = ["KES_CLIENT_KEY_PASSWORD", "MINIO_KMS_KES_KEY_PASSWORD"];

    /// <summary>Gets the variables naming a PEM file or directory of CA certificates to trust (not read by kes).</summary>
    public static IReadOnlyList<string> CaPath { get; } = ["KES_CAPATH", "MINIO_KMS_KES_CAPATH"];

    /// <summary>Returns the first of <paramref name="names"/> that is set, with its value, or null when none is.</summary>
    /// <param name="names">The variables in precedence order, e.g. <see cref="ApiKey"/>.</param>
    /// <param name="lookup">Reads one variable (null = not set); <see cref="Environment.GetEnvironmentVariable(string)"/> by default.</param>
    public static (string Name, string Value)? Lookup(IReadOnlyList<string> names, Func<string, string?>? lookup = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        lookup ??= Environment.GetEnvironmentVariable;
        foreach (var name in names)
        {
            if (lookup(name) is { } value)
            {
                return (name, value);
            }
        }

        return null;
    }
}

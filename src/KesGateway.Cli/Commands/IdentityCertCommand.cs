using System.CommandLine;
using KesGateway.Cli.Infrastructure;
using KesGateway.Core.Identity;

namespace KesGateway.Cli.Commands;

/// <summary>
/// <c>kesgw identity cert</c>: writes the Ed25519 client certificate and key a KES client derives from an API key, so
/// tools that take certificate files (curl, openssl, MinIO's cert settings) can authenticate as that API key.
/// </summary>
internal sealed class IdentityCertCommand : Command
{
    private const string KeyWhat = "private key file";
    private const string CertWhat = "certificate file";

    private readonly CliContext _context;

    private readonly Argument<string> _apiKey = new("API-KEY")
    {
        Description = "The API key (kes:v1:…) to derive the certificate from.",
    };

    private readonly Option<string> _key = new("--key")
    {
        Description = "Write the Ed25519 private key (PEM PKCS#8, mode 0600) to FILE.",
        HelpName = "FILE",
        Required = true,
    };

    private readonly Option<string> _cert = new("--cert")
    {
        Description = "Write the self-signed client certificate (PEM, valid 90 days, EKU clientAuth) to FILE.",
        HelpName = "FILE",
        Required = true,
    };

    private readonly Option<bool> _force = new("--force", "-f")
    {
        Description = "Overwrite existing files.",
    };

    /// <summary>Creates the command.</summary>
    public IdentityCertCommand(CliContext context)
        : base("cert", """
            Write the client certificate and private key that a KES client derives from an API key. The certificate
            has the API key's identity, so servers that know the API key accept it; use it with tools that take
            certificate files.

            Examples:
              kesgw identity cert kes:v1:… --key client.key --cert client.crt
              curl -k --key client.key --cert client.crt https://127.0.0.1:7373/v1/status
            """)
    {
        _context = context;
        Arguments.Add(_apiKey);
        Options.Add(_key);
        Options.Add(_cert);
        Options.Add(_force);
        this.SetCliAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var text = parseResult.GetRequiredValue(_apiKey);
        var keyPath = parseResult.GetRequiredValue(_key);
        var certPath = parseResult.GetRequiredValue(_cert);
        var force = parseResult.GetValue(_force);
        if (!ApiKey.TryParse(text, out var apiKey, out var error))
        {
            throw new CliException(error);
        }

        using (apiKey)
        {
            if (!force && File.Exists(keyPath))
            {
                throw OutputFile.AlreadyExists(KeyWhat, keyPath);
            }

            if (!force && File.Exists(certPath))
            {
                throw OutputFile.AlreadyExists(CertWhat, certPath);
            }

            var certificate = ClientCertificateFactory.Create(apiKey, _context.TimeProvider);
            await OutputFile.WriteAsync(keyPath, KeyWhat, certificate.ExportPrivateKeyPem(), OutputFile.PrivateMode, force, cancellationToken);
            await OutputFile.WriteAsync(certPath, CertWhat, certificate.ExportCertificatePem(), OutputFile.PublicMode, force, cancellationToken);

            var stdout = parseResult.InvocationConfiguration.Output;
            await stdout.WriteLineAsync(_context.IsTerminal
                ? $"Identity:\n\n   {apiKey.Identity}\n\nThe private key is stored at: {keyPath}\nThe certificate is stored at: {certPath}"
                : apiKey.Identity.Value);
            return CliExitCodes.Success;
        }
    }
}

using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Cli.Infrastructure;
using KesGateway.Core.Identity;

namespace KesGateway.Cli.Commands;

/// <summary>
/// <c>kesgw identity of</c>: the identity of an API key or certificate file, or the API key of an Ed25519 private
/// key file (what <c>kes identity of</c> and <c>kes identity &lt;file&gt;</c> do between them).
/// </summary>
internal sealed class IdentityOfCommand : Command
{
    // PEM files with a few certificates are a few KiB; anything this big is not one.
    private const long MaxFileSize = 1 << 20;

    private readonly CliContext _context;

    private readonly Argument<string> _input = new("API_KEY|FILE")
    {
        Description = "An API key (kes:v1:…), a PEM certificate file, or a PEM PKCS#8 Ed25519 private key file.",
    };

    /// <summary>Creates the command.</summary>
    public IdentityOfCommand(CliContext context)
        : base("of", """
            Print the identity of an API key or of a certificate, or the API key of an Ed25519 private key.

            For a PEM file with several certificates, CA certificates are skipped and exactly one must
            remain, as when KES identifies a TLS client. When stdout is not a terminal, only the identity
            (or API key) is printed, without a newline.

            Examples:
              kesgw identity of kes:v1:ACQpoGqx3rHHjT938Hfu5hVVQJHZWSqVI2Xp1KlYxFVw
              kesgw identity of client.crt
              kesgw identity of private.key
            """)
    {
        _context = context;
        Arguments.Add(_input);
        this.SetCliAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var input = parseResult.GetRequiredValue(_input);
        var stdout = parseResult.InvocationConfiguration.Output;
        var stderr = parseResult.InvocationConfiguration.Error;

        if (input.StartsWith("kes:", StringComparison.Ordinal) && !File.Exists(input))
        {
            await WriteIdentityAsync(stdout, ParseApiKeyIdentity(input));
            return CliExitCodes.Success;
        }

        if (Directory.Exists(input))
        {
            throw new CliException($"'{input}' is a directory, not an API key or PEM file");
        }

        if (!File.Exists(input))
        {
            // kes's top-level `kes identity ARG` also accepts an API key without its prefix.
            if (ApiKey.TryParse(input, out var bare, out _))
            {
                using (bare)
                {
                    await WriteIdentityAsync(stdout, bare.Identity);
                    return CliExitCodes.Success;
                }
            }

            throw new CliException($"file '{input}' not found (expected an API key 'kes:v1:…' or a PEM file)");
        }

        if (new FileInfo(input).Length > MaxFileSize)
        {
            throw new CliException($"'{input}' is too large for a PEM certificate or private key file");
        }

        var pem = await File.ReadAllTextAsync(input, cancellationToken);
        var certificates = ReadCertificates(input, pem);
        try
        {
            if (certificates.Count > 0)
            {
                var identity = IdentityOfCertificates(input, certificates, out var warning);
                if (warning is not null)
                {
                    await stderr.WriteLineAsync("Warning: " + warning);
                }

                await WriteIdentityAsync(stdout, identity);
                return CliExitCodes.Success;
            }
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }

        if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new CliException($"'{input}' contains no valid PEM certificate or private key");
        }

        ApiKey apiKey;
        try
        {
            apiKey = ApiKey.FromPkcs8PrivateKeyPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new CliException($"cannot convert the private key in '{input}' to an API key: {ex.Message}", ex);
        }

        using (apiKey)
        {
            await WriteApiKeyAsync(stdout, apiKey.ToString(), input);
        }

        return CliExitCodes.Success;
    }

    private static KesIdentity ParseApiKeyIdentity(string text)
    {
        if (!ApiKey.TryParse(text, out var apiKey, out var error))
        {
            throw new CliException(error);
        }

        using (apiKey)
        {
            return apiKey.Identity;
        }
    }

    private static List<X509Certificate2> ReadCertificates(string path, string pem)
    {
        var certificates = new List<X509Certificate2>();
        var remaining = pem.AsSpan();
        try
        {
            while (PemEncoding.TryFind(remaining, out var fields))
            {
                if (remaining[fields.Label] is "CERTIFICATE")
                {
                    var der = Convert.FromBase64String(remaining[fields.Base64Data].ToString());
                    try
                    {
                        // Parse the SPKI ourselves too: the loader is lenient about things Go's parser rejects.
                        _ = CertificateIdentity.GetSubjectPublicKeyInfo(der);
                        certificates.Add(X509CertificateLoader.LoadCertificate(der));
                    }
                    catch (CryptographicException ex)
                    {
                        throw new CliException($"failed to parse certificate in '{path}': {ex.Message}", ex);
                    }
                }

                remaining = remaining[fields.Location.End..];
            }
        }
        catch
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }

            throw;
        }

        return certificates;
    }

    private static KesIdentity IdentityOfCertificates(
        string path,
        List<X509Certificate2> certificates,
        out string? warning)
    {
        warning = null;
        if (CertificateIdentity.TryFromChain(certificates, out var identity, out var error))
        {
            return identity;
        }

        if (error == CertificateIdentity.MoreThanOneClientCertificateMessage)
        {
            throw new CliException(
                $"'{path}' contains more than one non-CA certificate; KES would reject it ({error})");
        }

        if (certificates.Count == 1)
        {
            // Like kes: the identity of a lone certificate is still useful, but KES will not accept it from a client.
            warning = $"the certificate in '{path}' is a CA certificate (Basic Constraints CA=true); "
                      + "KES ignores CA certificates when it identifies a client, so it cannot authenticate with it";
            return CertificateIdentity.Of(certificates[0]);
        }

        throw new CliException($"'{path}' contains only CA certificates; KES would reject them ({error})");
    }

    private Task WriteIdentityAsync(TextWriter stdout, KesIdentity identity) =>
        stdout.WriteAsync(_context.IsTerminal ? $"Identity:\n\n   {identity}\n" : identity.Value);

    private Task WriteApiKeyAsync(TextWriter stdout, string apiKey, string path) =>
        stdout.WriteAsync(_context.IsTerminal
            ? $"Your API key:\n\n   {apiKey}\n\nIt corresponds to the private key in: {path}.\nKeep it secret and secure!\n"
            : apiKey);
}

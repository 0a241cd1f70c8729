using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Text;
using System.Text.Json;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;
using KesGateway.Core.Identity;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Commands;

/// <summary>
/// <c>kesgw identity new</c>: a new API key and its identity, or with <c>--key</c>/<c>--cert</c> a self-signed
/// certificate and private key. Text output follows <c>kes identity new</c> (kes cmd/kes/identity.go).
/// </summary>
internal sealed class IdentityNewCommand : Command
{
    private const string KeyWhat = "private key file";
    private const string CertWhat = "certificate file";

    private readonly CliContext _context;

    private readonly Option<string?> _key = new("--key")
    {
        Description = "Write a new private key (PEM PKCS#8, mode 0600) to FILE. Requires --cert.",
        HelpName = "FILE",
    };

    private readonly Option<string?> _cert = new("--cert")
    {
        Description = "Write a new self-signed certificate (PEM) to FILE. Requires --key.",
        HelpName = "FILE",
    };

    private readonly Option<IPAddress[]> _ip = new("--ip")
    {
        Description = "Add IP as a subject alternative name; repeat or separate with commas.",
        HelpName = "IP",
        CustomParser = ParseIPAddresses,
    };

    private readonly Option<string[]> _dns = new("--dns")
    {
        Description = "Add NAME as a DNS subject alternative name; repeat or separate with commas.",
        HelpName = "NAME",
        CustomParser = SplitCommas,
    };

    private readonly Option<TimeSpan?> _expiry = new("--expiry")
    {
        Description = "How long the certificate is valid, as a Go duration such as 720h or 8760h. [default: 720h]",
        HelpName = "DURATION",
        CustomParser = ParseExpiry,
    };

    private readonly Option<CertificateKeyType?> _type = new("--type")
    {
        Description = "Key algorithm: ecdsa (P-256, loadable by .NET servers) or ed25519 (what 'kes identity new' "
                      + "creates; the key is also an API key). [default: ecdsa]",
        HelpName = "ecdsa|ed25519",
        CustomParser = ParseKeyType,
    };

    private readonly Option<bool> _force = new("--force", "-f")
    {
        Description = "Overwrite an existing private key and/or certificate file.",
    };

    private readonly Option<bool> _json = new("--json")
    {
        Description = "Print JSON (the default when stdout is not a terminal).",
    };

    private readonly Argument<string?> _subject = new("SUBJECT")
    {
        Description = "Subject common name of the certificate. [default: the new identity]",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>Creates the command.</summary>
    public IdentityNewCommand(CliContext context)
        : base("new", """
            Create a new API key and print it with its identity. With --key and --cert, create a self-signed
            certificate and private key instead (EKU clientAuth and serverAuth) and print their identity.

            The API key is shown only once: keep it secret. The identity is not a secret; it goes into a KES
            config as admin or policy identity.

            Examples:
              kesgw identity new
              kesgw identity new --json
              kesgw identity new --key client.key --cert client.crt
              kesgw identity new --key server.key --cert server.crt --ip 192.168.0.182 --dns kes.local --expiry 8760h kes.local
              kesgw identity new --type ed25519 --key private.key --cert public.crt
            """)
    {
        _context = context;
        _dns.Validators.Add(ValidateDnsNames);
        Options.Add(_key);
        Options.Add(_cert);
        Options.Add(_ip);
        Options.Add(_dns);
        Options.Add(_expiry);
        Options.Add(_type);
        Options.Add(_force);
        Options.Add(_json);
        Arguments.Add(_subject);
        this.SetCliAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var subject = parseResult.GetValue(_subject);
        if (subject is not null && subject.StartsWith('-'))
        {
            // System.CommandLine hands unknown options to the free argument slot; pflag (kes) rejects them.
            throw new CliException($"unknown option '{subject}'. See '{CliAction.CommandPath(parseResult)} --help'");
        }

        var keyPath = parseResult.GetValue(_key);
        var certPath = parseResult.GetValue(_cert);
        var json = parseResult.GetValue(_json) || !_context.IsTerminal;
        var stdout = parseResult.InvocationConfiguration.Output;

        if (string.IsNullOrEmpty(keyPath) && string.IsNullOrEmpty(certPath))
        {
            RejectCertificateOnlyOptions(parseResult);
            using var apiKey = ApiKey.Generate();
            var text = apiKey.ToString();
            await stdout.WriteAsync(json
                ? Json(new IdentityNewResult { ApiKey = text, Identity = apiKey.Identity.Value })
                : Text(text, apiKey.Identity, keyPath: null, certPath: null));
            return CliExitCodes.Success;
        }

        if (string.IsNullOrEmpty(certPath))
        {
            throw new CliException("private key file specified but no certificate file. Set the '--cert' flag");
        }

        if (string.IsNullOrEmpty(keyPath))
        {
            throw new CliException("certificate file specified but no private key file. Set the '--key' flag");
        }

        if (string.Equals(Path.GetFullPath(keyPath), Path.GetFullPath(certPath), StringComparison.Ordinal))
        {
            throw new CliException("--key and --cert must name different files");
        }

        var force = parseResult.GetValue(_force);
        if (!force)
        {
            // Checked before generating anything so the message names the file; the rename checks again.
            if (Path.Exists(keyPath))
            {
                throw OutputFile.AlreadyExists(KeyWhat, keyPath);
            }

            if (Path.Exists(certPath))
            {
                throw OutputFile.AlreadyExists(CertWhat, certPath);
            }
        }

        var options = new IdentityCertificateOptions
        {
            KeyType = parseResult.GetValue(_type) ?? CertificateKeyType.Ecdsa,
            Subject = subject,
            IPAddresses = parseResult.GetValue(_ip) ?? [],
            DnsNames = parseResult.GetValue(_dns) ?? [],
            Validity = parseResult.GetValue(_expiry) ?? IdentityCertificateOptions.DefaultValidity,
        };

        using var generated = IdentityCertificateGenerator.Generate(options, _context.TimeProvider);
        await OutputFile.WriteAsync(keyPath, KeyWhat, generated.PrivateKeyPem, OutputFile.PrivateMode, force, cancellationToken);
        try
        {
            await OutputFile.WriteAsync(certPath, CertWhat, generated.CertificatePem, OutputFile.PublicMode, force, cancellationToken);
        }
        catch
        {
            // A key without its certificate is useless and a secret lying around; kes removes it too.
            File.Delete(keyPath);
            throw;
        }

        var apiKeyText = generated.ApiKey?.ToString();
        await stdout.WriteAsync(json
            ? Json(new IdentityNewResult
            {
                ApiKey = apiKeyText,
                Identity = generated.Identity.Value,
                PrivateKeyFile = keyPath,
                CertificateFile = certPath,
            })
            : Text(apiKeyText, generated.Identity, keyPath, certPath));
        return CliExitCodes.Success;
    }

    private void RejectCertificateOnlyOptions(ParseResult parseResult)
    {
        string? option = null;
        if (parseResult.GetResult(_force) is { Implicit: false })
        {
            option = "--force";
        }
        else if (parseResult.GetResult(_expiry) is { Implicit: false })
        {
            option = "--expiry";
        }
        else if (parseResult.GetResult(_ip) is { Implicit: false })
        {
            option = "--ip";
        }
        else if (parseResult.GetResult(_dns) is { Implicit: false })
        {
            option = "--dns";
        }
        else if (parseResult.GetResult(_type) is { Implicit: false })
        {
            option = "--type";
        }
        else if (parseResult.GetResult(_subject) is { Tokens.Count: > 0 })
        {
            option = "SUBJECT";
        }

        if (option is not null)
        {
            throw new CliException(
                $"'{option}' requires a private key and certificate file. Set the '--cert' and '--key' flag");
        }
    }

    private static string Json(IdentityNewResult result) =>
        JsonSerializer.Serialize(result, CliJsonContext.Relaxed.IdentityNewResult) + "\n";

    // Same wording and layout as `kes identity new` on a terminal (minus bold), with the re-compute hint naming
    // kesgw. An ECDSA certificate has no API key, so its sections are left out.
    private static string Text(string? apiKey, KesIdentity identity, string? keyPath, string? certPath)
    {
        var files = keyPath is not null && certPath is not null;
        var text = new StringBuilder();
        if (apiKey is not null)
        {
            text.Append("Your API key:\n\n");
            text.Append("   ").Append(apiKey).Append("\n\n");
            text.Append("This is the only time it is shown. Keep it secret and secure!\n\n");
        }

        text.Append("Your Identity:\n\n");
        text.Append("   ").Append(identity.Value).Append("\n\n");
        text.Append("The identity is not a secret. It can be shared. Any peer\n");
        text.Append(apiKey is not null
            ? "needs this identity in order to verify your API key.\n"
            : "needs this identity in order to verify your certificate.\n");
        if (files)
        {
            text.Append('\n');
            text.Append("The generated TLS private key is stored at: ").Append(keyPath).Append('\n');
            text.Append("The generated TLS certificate is stored at: ").Append(certPath).Append('\n');
        }

        text.Append("\nThe identity can be computed again via:\n\n");
        if (apiKey is not null)
        {
            text.Append("    ").Append(KesCommandLine.ExecutableName).Append(" identity of ").Append(apiKey).Append('\n');
        }

        if (files)
        {
            text.Append("    ").Append(KesCommandLine.ExecutableName).Append(" identity of ").Append(certPath);
        }

        // kes prints the buffer with Println, hence one more newline.
        return text.Append('\n').ToString();
    }

    private static IEnumerable<string> Tokens(ArgumentResult result) =>
        result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.TrimEntries));

    private static IPAddress[] ParseIPAddresses(ArgumentResult result)
    {
        var addresses = new List<IPAddress>();
        foreach (var text in Tokens(result))
        {
            if (!IPAddressText.TryParse(text, out var address))
            {
                result.AddError($"invalid IP address '{text}'");
                return [];
            }

            addresses.Add(address);
        }

        return [.. addresses];
    }

    private static string[] SplitCommas(ArgumentResult result) => [.. Tokens(result)];

    private static void ValidateDnsNames(OptionResult result)
    {
        foreach (var name in result.GetValueOrDefault<string[]>() ?? [])
        {
            var valid = name.Length is > 0 and <= 253
                        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '*' or '_');
            if (!valid)
            {
                result.AddError($"invalid DNS name '{name}'");
                return;
            }
        }
    }

    private static TimeSpan? ParseExpiry(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (!GoDuration.TryParse(text, out var expiry, out var error))
        {
            result.AddError($"invalid --expiry '{text}': {error}");
            return null;
        }

        if (expiry <= TimeSpan.Zero)
        {
            result.AddError($"invalid --expiry '{text}': must be positive");
            return null;
        }

        return expiry;
    }

    private static CertificateKeyType? ParseKeyType(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        switch (text)
        {
            case "ecdsa":
                return CertificateKeyType.Ecdsa;
            case "ed25519":
                return CertificateKeyType.Ed25519;
            default:
                result.AddError($"invalid --type '{text}': use 'ecdsa' or 'ed25519'");
                return null;
        }
    }
}

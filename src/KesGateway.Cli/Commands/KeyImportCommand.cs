using System.CommandLine;
using System.CommandLine.Parsing;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key import</c>: imports 32 bytes of key material (<c>POST /v1/key/import/NAME</c>).</summary>
internal sealed class KeyImportCommand : ClientCommand
{
    private readonly Argument<string> _name = new("NAME")
    {
        Description = "The key to create from the material.",
    };

    private readonly Argument<string> _key = new("KEY")
    {
        Description = "The key material: base64 of exactly 32 bytes.",
    };

    private readonly Option<string> _algorithm = new("--algorithm")
    {
        Description = "The algorithm the material is for: AES256 (what kes sends) or ChaCha20. [default: AES256]",
        HelpName = "AES256|ChaCha20",
        DefaultValueFactory = _ => "AES256",
        CustomParser = ParseAlgorithm,
    };

    /// <summary>Creates the command.</summary>
    public KeyImportCommand(CliContext context)
        : base("import", """
            Import key material as a new key. Prints nothing on success, like kes; a key that already exists exits
            with code 7. The server adds a fresh HMAC key.

            Examples:
              kesgw key import my-key-2 Xlnr/nOgAWE5cA7GAsl3L2goCvmfs6KE0gNgB1T93wE=
              kesgw key import my-key-3 "$(head -c 32 /dev/urandom | base64)" --algorithm ChaCha20
            """, context)
    {
        Arguments.Add(_name);
        Arguments.Add(_key);
        Options.Add(_algorithm);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult)
    {
        RejectOptionLike(parseResult, parseResult.GetRequiredValue(_name));
        var key = Base64(parseResult.GetRequiredValue(_key), "key", parseResult);
        Array.Clear(key);
        if (key.Length != 32)
        {
            throw new CliException($"invalid key: it must be 32 bytes, not {key.Length}. See '{CliAction.CommandPath(parseResult)} --help'");
        }
    }

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var name = parseResult.GetRequiredValue(_name);
        var key = Base64(parseResult.GetRequiredValue(_key), "key", parseResult);
        try
        {
            await connection.CallAsync(
                $"failed to import key '{name}'",
                c => c.ImportKeyAsync(name, key, parseResult.GetRequiredValue(_algorithm), cancellationToken));
        }
        finally
        {
            Array.Clear(key);
        }

        return CliExitCodes.Success;
    }

    private static string ParseAlgorithm(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (string.Equals(text, "AES256", StringComparison.OrdinalIgnoreCase))
        {
            return "AES256";
        }

        if (string.Equals(text, "ChaCha20", StringComparison.OrdinalIgnoreCase))
        {
            return "ChaCha20";
        }

        result.AddError($"invalid --algorithm '{text}': use 'AES256' or 'ChaCha20'");
        return "AES256";
    }
}

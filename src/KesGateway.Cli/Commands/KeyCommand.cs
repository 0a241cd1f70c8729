using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key</c>: the group of key commands (kes cmd/kes/key.go, plus <c>hmac</c>).</summary>
internal sealed class KeyCommand : Command
{
    /// <summary>Creates the group and its subcommands.</summary>
    public KeyCommand(CliContext context)
        : base("key", "Manage cryptographic keys on a KES server: create, import, describe, list and remove them; "
                      + "encrypt, decrypt, generate data keys and compute HMACs with them.")
    {
        Subcommands.Add(new KeyCreateCommand(context));
        Subcommands.Add(new KeyImportCommand(context));
        Subcommands.Add(new KeyInfoCommand(context));
        Subcommands.Add(new KeyLsCommand(context));
        Subcommands.Add(new KeyRmCommand(context));
        Subcommands.Add(new KeyEncryptCommand(context));
        Subcommands.Add(new KeyDecryptCommand(context));
        Subcommands.Add(new KeyDekCommand(context));
        Subcommands.Add(new KeyHmacCommand(context));
        this.SetCliAction((parseResult, _) => throw new CliException(
            $"missing command: use 'create', 'import', 'info', 'ls', 'rm', 'encrypt', 'decrypt', 'dek' or 'hmac'. See '{CliAction.CommandPath(parseResult)} --help'"));
    }

    /// <summary>The hint added to "key does not exist" for commands that use a key.</summary>
    public static string CreateHint(string name) => $"Create it with '{KesCommandLine.ExecutableName} key create {name}'";

    /// <summary>The hint added to "key does not exist" for commands that look a key up.</summary>
    public const string ListHint = "List the keys with 'kesgw key ls'";
}

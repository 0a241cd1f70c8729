using System.CommandLine;
using System.Text;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw key info</c>: describes a key (<c>GET /v1/key/describe/NAME</c>).</summary>
internal sealed class KeyInfoCommand : ClientCommand
{
    private readonly Argument<string> _name = new("NAME")
    {
        Description = "The key to describe.",
    };

    private readonly Option<bool> _json = JsonOption("the key's description");

    /// <summary>Creates the command.</summary>
    public KeyInfoCommand(CliContext context)
        : base("info", """
            Print a key's name, algorithm, creation date (local time) and the identity that created it.

            Examples:
              kesgw key info my-key
              kesgw key info my-key --json
            """, context)
    {
        Arguments.Add(_name);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult) => RejectOptionLike(parseResult, parseResult.GetRequiredValue(_name));

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var name = parseResult.GetRequiredValue(_name);
        var info = await connection.CallAsync($"failed to describe key '{name}'", c => c.DescribeKeyAsync(name, cancellationToken), KeyCommand.ListHint);
        var stdout = parseResult.InvocationConfiguration.Output;
        if (parseResult.GetValue(_json) || !Context.IsTerminal)
        {
            await stdout.WriteAsync(Json(info, CliJsonContext.Relaxed.DescribeKeyResponse));
            return CliExitCodes.Success;
        }

        var text = new StringBuilder();
        Row(text, "Name", info.Name);
        Row(text, "Algorithm", info.Algorithm);
        Row(text, "Date", Date(info.CreatedAt));
        Row(text, "Owner", info.CreatedBy);
        await stdout.WriteAsync(text.ToString());
        return CliExitCodes.Success;
    }
}

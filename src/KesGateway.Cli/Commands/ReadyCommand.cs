using System.CommandLine;
using KesGateway.Cli.Infrastructure;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw ready</c>: checks that a server and its keystore are ready (<c>GET /v1/ready</c>), for health checks.</summary>
internal sealed class ReadyCommand : ClientCommand
{
    /// <summary>Creates the command.</summary>
    public ReadyCommand(CliContext context)
        : base("ready", """
            Check that the server and its keystore are ready to serve (GET /v1/ready). Prints nothing and exits 0
            when they are; prints why and exits non-zero when not. Meant for health checks (the container image's
            HEALTHCHECK runs it): with 'api: {/v1/ready: {skip_auth: true}}' in the config any API key will do.

            Examples:
              kesgw ready -k
              kesgw ready -k --server 127.0.0.1:7373
            """, context)
    {
    }

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        await connection.CallAsync("server is not ready", c => c.ReadyAsync(cancellationToken));
        return CliExitCodes.Success;
    }
}

using System.CommandLine;
using System.CommandLine.Invocation;
using KesGateway.Server.Hosting;

namespace KesGateway.Cli.Infrastructure;

/// <summary>Prints the product version as one line, the same value <c>/version</c> reports.</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    /// <inheritdoc/>
    public override bool ClearsParseErrors => true;

    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        if (CliAction.ReportUsageErrors(parseResult))
        {
            return CliExitCodes.Usage;
        }

        parseResult.InvocationConfiguration.Output.WriteLine(GatewayApp.Version);
        return CliExitCodes.Success;
    }
}

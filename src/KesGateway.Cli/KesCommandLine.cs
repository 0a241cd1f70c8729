using System.CommandLine;

namespace KesGateway.Cli;

/// <summary>Builds the <c>kesgw</c> command tree.</summary>
internal static class KesCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("KesGateway: a KES-compatible key server and gateway.");
        return root;
    }
}

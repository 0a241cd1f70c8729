using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using KesGateway.Server.Configuration;
using YamlDotNet.RepresentationModel;

namespace KesGateway.FunctionalTests.Deploy;

/// <summary>Finds and reads the files under deploy/ for the deployment tests.</summary>
internal static partial class DeployFiles
{
    public static string Root { get; } = FindRoot();

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Every file under deploy/, as repository-relative paths with '/'.</summary>
    public static string[] All() =>
        Directory.GetFiles(Deploy, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Every YAML document of a file (Kubernetes files may hold several).</summary>
    public static YamlMappingNode[] YamlDocuments(string relative)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(PathOf(relative)));
        stream.Load(reader);
        return stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)).ToArray();
    }

    public static YamlMappingNode Yaml(string relative) => Assert.Single(YamlDocuments(relative));

    /// <summary>The <c>${NAME}</c> variables a KES config names.</summary>
    public static string[] Placeholders(string relative) =>
        PlaceholderPattern().Matches(File.ReadAllText(PathOf(relative))).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Loads a KES config as <c>kesgw server</c> does, every variable set to a distinct identity-shaped value.</summary>
    /// <remarks>
    /// The Kubernetes service-account token, which the loader opens to turn a wrong path into a startup error, is
    /// pointed at a stand-in file: the only change made to the text.
    /// </remarks>
    public static ServerConfig LoadConfig(string relative)
    {
        var path = PathOf(relative);
        var yaml = File.ReadAllText(path).Replace(ServiceAccountToken, TokenStandIn.Value, StringComparison.Ordinal);
        var config = KesConfigLoader.Parse(yaml, path, Placeholder, Path.GetDirectoryName(path));
        Assert.True(config.Warnings.IsEmpty, $"{relative}: {string.Join("; ", config.Warnings)}");
        return config;
    }

    public const string ServiceAccountToken = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private static readonly Lazy<string> TokenStandIn = new(() =>
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("kesgw-sa-").FullName, "token");
        File.WriteAllText(file, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        return file;
    });

    public static string Placeholder(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    public static YamlNode? Get(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public static string? Text(this YamlNode node, params string[] path) => (node.Get(path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode node, params string[] path) =>
        node.Get(path) is YamlSequenceNode seq ? seq.Children : [];

    public static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(this YamlNode node, params string[] path) =>
        node.Get(path) is YamlMappingNode map ? map.Children : [];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KesGateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no KesGateway.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex PlaceholderPattern();
}

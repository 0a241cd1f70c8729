using System.IO.Compression;
using System.Text.RegularExpressions;
using KesGateway.Core.Identity;

namespace KesGateway.FunctionalTests.Deploy;

/// <summary>
/// deploy/docker/Dockerfile: its build stage is replayed without Docker. The files it copies are copied from the
/// repository into an empty folder (so a file the build needs but the Dockerfile forgets fails here), its
/// <c>RUN dotnet ...</c> lines run there as written, and the published <c>kesgw</c> answers as the image would.
/// </summary>
public sealed partial class DockerfileTests
{
    private const string Dockerfile = "deploy/docker/Dockerfile";

    private static readonly string[] Lines = Instructions(File.ReadAllText(DeployFiles.PathOf(Dockerfile)));

    [Fact]
    public void Dockerfile_BuildStageCopiesOnlyWhatExists_AndWhatTheIgnoreFileKeeps()
    {
        var ignore = File.ReadAllLines(DeployFiles.PathOf("deploy/docker/Dockerfile.dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        Assert.Equal("**", ignore[0]);
        var kept = ignore.Where(l => l.StartsWith('!')).Select(l => l[1..].TrimEnd('/')).ToArray();

        foreach (var (sources, _) in Copies())
        {
            foreach (var source in sources)
            {
                var path = DeployFiles.PathOf(source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"COPY {source}: not in the repository");
                Assert.True(kept.Any(k => source.TrimEnd('/') == k || source.StartsWith(k + "/", StringComparison.Ordinal)), $"COPY {source}: excluded by Dockerfile.dockerignore");
            }
        }
    }

    [Fact]
    public void Dockerfile_RuntimeStage_NonRootHealthCheckedAndStartsTheServer()
    {
        var runtime = Lines.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal)).ToArray();

        Assert.NotEmpty(runtime);
        Assert.Contains("USER $APP_UID", runtime);
        Assert.Contains("COPY --from=build /app ./", runtime);
        Assert.Contains("ENTRYPOINT [\"/app/kesgw\"]", runtime);
        Assert.Contains("CMD [\"server\", \"--config\", \"/etc/kesgw/config.yml\"]", runtime);
        Assert.Contains(runtime, l => l.StartsWith("ENV DOTNET_EnableDiagnostics=0", StringComparison.Ordinal));

        // The health check's API key is the public one the comment names, so nobody gives it a policy by mistake.
        var health = Assert.Single(runtime, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.Contains("\"/app/kesgw\", \"ready\", \"-k\", \"--server\", \"127.0.0.1:7373\"", health, StringComparison.Ordinal);
        var apiKey = ApiKey.Parse(ApiKeyPattern().Match(health).Value);
        Assert.Contains($"identity ({apiKey.Identity.Value})", File.ReadAllText(DeployFiles.PathOf(Dockerfile)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dockerfile_BuildStage_RestoresAndPublishes_AndThePublishedKesgwRuns_AndPacksAsATool()
    {
        var work = Directory.CreateTempSubdirectory("kesgw-docker-").FullName;
        try
        {
            var context = Directory.CreateDirectory(Path.Combine(work, "src-root")).FullName;
            foreach (var (sources, destination) in Copies())
            {
                foreach (var source in sources)
                {
                    CopyInto(DeployFiles.PathOf(source.TrimEnd('/')), Path.Combine(context, destination.TrimEnd('/')), destinationIsFolder: destination.EndsWith('/') || destination == "./");
                }
            }

            var app = Path.Combine(work, "app");
            var runs = Lines.Where(l => l.StartsWith("RUN dotnet ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(2, runs.Length);
            foreach (var run in runs)
            {
                var args = run["RUN dotnet ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == "/app" ? app : a).ToArray();
                var (exit, output) = await ComposeTests.RunInAsync(context, KesGateway.FunctionalTests.Cli.KesgwProcess.DotnetHost(), args, ("DOTNET_CLI_TELEMETRY_OPTOUT", "1"));
                Assert.True(exit == 0, $"{run}\n{output}");
            }

            // The image's ENTRYPOINT is /app/kesgw; HEALTHCHECK runs its 'ready' command.
            var (versionExit, version) = await ComposeTests.RunAsync(Path.Combine(app, "kesgw"), ["--version"]);
            Assert.Equal((0, "0.1.0\n"), (versionExit, version));
            var (helpExit, help) = await ComposeTests.RunAsync(Path.Combine(app, "kesgw"), ["ready", "--help"]);
            Assert.True(helpExit == 0, help);

            // README: 'dotnet pack' makes the .NET tool package.
            var packages = Path.Combine(work, "nupkg");
            var (packExit, packOutput) = await ComposeTests.RunInAsync(context, KesGateway.FunctionalTests.Cli.KesgwProcess.DotnetHost(), ["pack", "src/KesGateway.Cli/KesGateway.Cli.csproj", "-c", "Release", "--no-restore", "-o", packages]);
            Assert.True(packExit == 0, packOutput);
            using var package = ZipFile.OpenRead(Path.Combine(packages, "kesgw.0.1.0.nupkg"));
            var settings = package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml");
            Assert.NotNull(settings);
            using var reader = new StreamReader(settings.Open());
            Assert.Contains("<Command Name=\"kesgw\" EntryPoint=\"kesgw.dll\"", await reader.ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            Assert.NotNull(package.GetEntry("tools/net10.0/any/kesgw.dll"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The build stage's COPY instructions (sources relative to the context, destination under WORKDIR /src).</summary>
    private static IEnumerable<(string[] Sources, string Destination)> Copies() =>
        Lines.TakeWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal))
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal))
            .Select(l => l["COPY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(parts => (parts[..^1], parts[^1]));

    private static void CopyInto(string source, string destination, bool destinationIsFolder)
    {
        if (Directory.Exists(source))
        {
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
                {
                    continue; // Dockerfile.dockerignore drops them
                }

                var target = Path.Combine(destination, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }
        else
        {
            var target = destinationIsFolder ? Path.Combine(destination, Path.GetFileName(source)) : destination;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
        }
    }

    // Joins continuation lines and drops comments, as Docker reads the file.
    private static string[] Instructions(string text)
    {
        var lines = new List<string>();
        var current = string.Empty;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            current += (current.Length > 0 ? " " : string.Empty) + line.TrimEnd('\\').Trim();
            if (!line.EndsWith('\\'))
            {
                lines.Add(current);
                current = string.Empty;
            }
        }

        return [.. lines.Where(l => l.Length > 0)];
    }

    [GeneratedRegex(@"kes:v1:[A-Za-z0-9+/=]+")]
    private static partial Regex ApiKeyPattern();
}

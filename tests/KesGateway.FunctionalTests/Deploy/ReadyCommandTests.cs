using System.Collections.Immutable;
using KesGateway.Cli.Infrastructure;
using KesGateway.Core.Identity;
using KesGateway.FunctionalTests.Cli;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;

namespace KesGateway.FunctionalTests.Deploy;

/// <summary><c>kesgw ready</c>, the container image's HEALTHCHECK: any API key passes when <c>/v1/ready</c> skips auth.</summary>
public sealed class ReadyCommandTests
{
    [Fact]
    public async Task Ready_SkipAuth_AnyApiKey_ExitsZeroSilently()
    {
        await using var server = await TestServer.StartAsync(ReadyConfig(skipAuth: true));
        using var stranger = ApiKey.Generate();

        var run = await Cli(server, stranger).RunAsync("ready", "-k");

        Assert.Equal((0, string.Empty, string.Empty), (run.ExitCode, run.Stdout, run.Stderr));
    }

    [Fact]
    public async Task Ready_WithoutSkipAuth_UnknownIdentity_FailsNonZero()
    {
        await using var server = await TestServer.StartAsync(ReadyConfig(skipAuth: false));
        using var stranger = ApiKey.Generate();

        var run = await Cli(server, stranger).RunAsync("ready", "-k");

        Assert.NotEqual(CliExitCodes.Success, run.ExitCode);
        Assert.StartsWith("Error: server is not ready: ", run.Stderr, StringComparison.Ordinal);
    }

    private static ServerConfig ReadyConfig(bool skipAuth) => TestServer.Config("disabled") with
    {
        Api = new Dictionary<string, ApiRouteConfig> { ["/v1/ready"] = new(SkipAuth: skipAuth, Timeout: null) }.ToImmutableDictionary(),
    };

    private static KesgwInProcess Cli(TestServer server, ApiKey key) =>
        new KesgwInProcess().With("KES_SERVER", server.Address.ToString().TrimEnd('/')).With("KES_API_KEY", key.ToString());
}

namespace KesGateway.Tests;

public class SmokeTests
{
    [Fact]
    public void Version_IsSet() => Assert.False(string.IsNullOrEmpty(KesGateway.Server.Hosting.GatewayApp.Version));
}

using KesGateway.Core.Client;

namespace KesGateway.Tests.Client;

public sealed class KesEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:7373", "127.0.0.1", 7373, "", "https://127.0.0.1:7373")]
    [InlineData("https://127.0.0.1:7373", "127.0.0.1", 7373, "", "https://127.0.0.1:7373")]
    [InlineData("http://127.0.0.1:7373", "127.0.0.1", 7373, "", "https://127.0.0.1:7373")]
    [InlineData("  kes.example.net:7373  ", "kes.example.net", 7373, "", "https://kes.example.net:7373")]
    [InlineData("kes.example.net", "kes.example.net", 443, "", "https://kes.example.net")]
    [InlineData("https://kes.example.net/", "kes.example.net", 443, "", "https://kes.example.net")]
    [InlineData("https://kes.example.net:8443/kes/", "kes.example.net", 8443, "/kes", "https://kes.example.net:8443/kes")]
    [InlineData("[::1]:7373", "::1", 7373, "", "https://[::1]:7373")]
    [InlineData("HTTPS://KES.example.net:7373", "kes.example.net", 7373, "", "https://kes.example.net:7373")]
    public void Parse_NormalisesLikeTheKesCli(string text, string host, int port, string prefix, string display)
    {
        var sut = KesEndpoint.Parse(text);

        Assert.Equal(host, sut.Host);
        Assert.Equal(port, sut.Port);
        Assert.Equal(prefix, sut.PathPrefix);
        Assert.Equal(display, sut.Display);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("https://")]
    [InlineData("https://user:pw@kes:7373")]
    [InlineData("kes:7373?x=1")]
    [InlineData("ftp://kes:7373")]
    public void Parse_Invalid_Throws(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => KesEndpoint.Parse(text));

        Assert.StartsWith("invalid server endpoint", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:7373", true)]
    [InlineData("[::1]:7373", true)]
    [InlineData("localhost:7373", false)]
    public void IsIPAddress_TellsLiteralsFromNames(string text, bool expected) =>
        Assert.Equal(expected, KesEndpoint.Parse(text).IsIPAddress);

    [Fact]
    public void RequestUri_IsPlainHttpWithThePathUntouched()
    {
        var sut = KesEndpoint.Parse("https://kes:7373/prefix");

        var uri = sut.RequestUri("/v1/key/create/%2E%2E");

        Assert.Equal("http", uri.Scheme);
        Assert.Equal(7373, uri.Port);
        Assert.Equal("/prefix/v1/key/create/%2E%2E", uri.PathAndQuery);
    }

    [Theory]
    [InlineData("kes:7373", "kes:7373")]
    [InlineData("kes", "kes")]
    [InlineData("[::1]:7373", "[::1]:7373")]
    public void Authority_OmitsTheDefaultPort(string text, string authority) =>
        Assert.Equal(authority, KesEndpoint.Parse(text).Authority);
}

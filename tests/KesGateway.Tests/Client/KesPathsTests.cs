using KesGateway.Core.Client;

namespace KesGateway.Tests.Client;

public sealed class KesPathsTests
{
    [Theory]
    [InlineData("my-key", "/v1/key/create/my-key")]
    [InlineData("my_key.v2~x", "/v1/key/create/my_key.v2~x")]
    [InlineData("*", "/v1/key/create/%2A")]
    [InlineData("a/b", "/v1/key/create/a%2Fb")]
    [InlineData("a b", "/v1/key/create/a%20b")]
    [InlineData("a?b;c,d", "/v1/key/create/a%3Fb%3Bc%2Cd")]
    [InlineData("$&+:=@", "/v1/key/create/$&+:=@")]
    [InlineData("ä", "/v1/key/create/%C3%A4")]
    [InlineData("%", "/v1/key/create/%25")]
    [InlineData("", "/v1/key/create/")]
    [InlineData(".", "/v1/key/create/%2E")]
    [InlineData("..", "/v1/key/create/%2E%2E")]
    public void Join_EscapesLikeGoPathEscape(string argument, string expected) =>
        Assert.Equal(expected, KesPaths.Join("/v1/key/create", argument));
}

using System.Text;
using KesGateway.Core.Client;
using KesGateway.Core.Protocol;

namespace KesGateway.Tests.Client;

public sealed class KesErrorDecoderTests
{
    [Theory]
    [InlineData(404, "application/json", "{\"message\":\"key does not exist\"\n}", "key does not exist")]
    [InlineData(404, "application/json; charset=utf-8", "{\"message\":\"key does not exist\"}", "key does not exist")]
    [InlineData(500, "application/json", "{\"error\":\"boom\"}", "boom")]
    [InlineData(500, "application/json", "{\"message\":\"m\",\"error\":\"e\"}", "e")]
    [InlineData(500, "application/json", "{\"message\":\"m\",\"error\":\"\"}", "m")]
    [InlineData(500, "application/json", "{\"Message\":\"upper\"}", "upper")]
    [InlineData(500, "application/json", "{\"message\":\"a\",\"message\":\"b\"}", "b")]
    [InlineData(500, "application/json", "{\"other\":{\"x\":[1,2]},\"message\":\"after\"} trailing", "after")]
    [InlineData(500, "application/json", "{}", "")]
    [InlineData(404, "text/plain; charset=utf-8", "404 page not found\n", "404 page not found\n")]
    [InlineData(502, "text/html", "<html>bad gateway</html>", "<html>bad gateway</html>")]
    [InlineData(503, null, "unavailable", "unavailable")]
    [InlineData(500, "application/json", "not json", "not json")]
    [InlineData(500, "application/json", "{\"message\":42}", "{\"message\":42}")]
    public void Decode_ReadsMessageErrorOrText(int status, string? contentType, string body, string message)
    {
        var error = KesErrorDecoder.Decode(status, contentType, Encoding.UTF8.GetBytes(body));

        Assert.Equal(new KesError(status, message), error);
    }

    [Fact]
    public void Decode_KnownErrors_CompareEqualToTheCatalogue()
    {
        var error = KesErrorDecoder.Decode(403, "application/json", "{\"message\":\"not authorized: insufficient permissions\"\n}"u8);

        Assert.Equal(KesErrors.NotAuthorized, error);
    }

    [Theory]
    [InlineData(400, "key does already exist")]
    [InlineData(403, "prohibited by policy")]
    public void Decode_LegacyMessages_MapToTodaysErrors(int status, string legacy)
    {
        var error = KesErrorDecoder.Decode(status, "application/json", Encoding.UTF8.GetBytes($"{{\"message\":\"{legacy}\"}}"));

        Assert.Equal(status == 400 ? KesErrors.KeyExists : KesErrors.NotAuthorized, error);
    }
}

using KesGateway.Core.Client;
using KesGateway.Core.Protocol;

namespace KesGateway.Tests.Client;

public sealed class KesExceptionTests
{
    [Theory]
    [InlineData(400, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(500, true)]
    [InlineData(501, false)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    public void ApiError_MovesToTheNextEndpointOn5xxExcept501(int status, bool expected) =>
        Assert.Equal(expected, new KesException(new KesError(status, "x")).IsRetryableOnOtherEndpoint);

    [Theory]
    [InlineData(KesErrorKind.Unreachable, true)]
    [InlineData(KesErrorKind.TlsVerification, true)]
    [InlineData(KesErrorKind.TlsHandshake, true)]
    [InlineData(KesErrorKind.Network, true)]
    [InlineData(KesErrorKind.Timeout, false)]
    [InlineData(KesErrorKind.InvalidResponse, false)]
    public void TransportError_MovesToTheNextEndpointOnNetworkErrors(KesErrorKind kind, bool expected) =>
        Assert.Equal(expected, new KesException(kind, "x").IsRetryableOnOtherEndpoint);

    [Fact]
    public void ApiError_CarriesStatusAndTheServersMessage()
    {
        var sut = new KesException(KesErrors.KeyNotFound, "https://kes:7373");

        Assert.Equal(KesErrorKind.Api, sut.Kind);
        Assert.Equal(404, sut.StatusCode);
        Assert.Equal("key does not exist", sut.Message);
        Assert.Equal(KesErrors.KeyNotFound, sut.Error);
        Assert.Equal("https://kes:7373", sut.Endpoint);
    }

    [Fact]
    public void ApiError_WithoutMessage_SaysTheStatus() =>
        Assert.Equal("server answered 502", new KesException(new KesError(502, string.Empty)).Message);
}

using System.Net.Sockets;
using KesGateway.Server.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace KesGateway.Tests.Proxy;

public sealed class UpstreamFailoverMiddlewareTests
{
    private static readonly HttpRequestException Refused = new("Connection refused", new SocketException((int)SocketError.ConnectionRefused));

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Invoke_ReadFailsToConnect_TriesEveryEndpointOnce(string method)
    {
        var destinations = new[] { ProxyContexts.Destination("https://kes-1"), ProxyContexts.Destination("https://kes-2"), ProxyContexts.Destination("https://kes-3") };
        var context = ProxyContexts.Create(method, destinations);
        var tried = new List<DestinationState>();
        var sut = Create(ctx => Forward(ctx, tried, _ => ForwarderError.Request));

        await sut.InvokeAsync(context);

        Assert.Equal(3, tried.Count);
        Assert.Equal(3, tried.Distinct().Count());
        Assert.Equal(ForwarderError.Request, context.GetForwarderErrorFeature()?.Error);
        Assert.Equal(3, context.Features.Get<UpstreamRequestFeature>()!.Attempts);
    }

    [Fact]
    public async Task Invoke_SecondEndpointAnswers_TheAnswerStands()
    {
        var context = ProxyContexts.Create("GET", ProxyContexts.Destination("https://kes-1"), ProxyContexts.Destination("https://kes-2"));
        var tried = new List<DestinationState>();
        var sut = Create(ctx => Forward(ctx, tried, attempt => attempt == 0 ? ForwarderError.Request : ForwarderError.None));

        await sut.InvokeAsync(context);

        Assert.Equal(2, tried.Count);
        Assert.Null(context.GetForwarderErrorFeature());
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task Invoke_OtherMethods_AreNeverSentTwice(string method)
    {
        var context = ProxyContexts.Create(method, ProxyContexts.Destination("https://kes-1"), ProxyContexts.Destination("https://kes-2"));
        var tried = new List<DestinationState>();
        var sut = Create(ctx => Forward(ctx, tried, _ => ForwarderError.Request));

        await sut.InvokeAsync(context);

        Assert.Single(tried);
        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
    }

    [Fact]
    public async Task Invoke_GetWithBody_IsNotRetried()
    {
        var context = ProxyContexts.Create("GET", ProxyContexts.Destination("https://kes-1"), ProxyContexts.Destination("https://kes-2"));
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(canHaveBody: true));
        var tried = new List<DestinationState>();
        var sut = Create(ctx => Forward(ctx, tried, _ => ForwarderError.Request));

        await sut.InvokeAsync(context);

        Assert.Single(tried);
    }

    [Theory]
    [InlineData(ForwarderError.RequestTimedOut)]
    [InlineData(ForwarderError.ResponseHeaders)]
    [InlineData(ForwarderError.RequestCanceled)]
    public async Task Invoke_FailureAfterTheUpstreamMayHaveSeenTheRequest_IsNotRetried(ForwarderError error)
    {
        var context = ProxyContexts.Create("GET", ProxyContexts.Destination("https://kes-1"), ProxyContexts.Destination("https://kes-2"));
        var tried = new List<DestinationState>();
        var sut = Create(ctx => Forward(ctx, tried, _ => error));

        await sut.InvokeAsync(context);

        Assert.Single(tried);
    }

    private static UpstreamFailoverMiddleware Create(RequestDelegate next) => new(next, NullLogger<UpstreamFailoverMiddleware>.Instance);

    /// <summary>Load balancing and forwarding as YARP does them: pick one of the available, fail as told.</summary>
    private static Task Forward(HttpContext context, List<DestinationState> tried, Func<int, ForwarderError> outcome)
    {
        var proxy = context.GetReverseProxyFeature();
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Null(context.GetForwarderErrorFeature());
        var destination = proxy.AvailableDestinations[^1];
        Assert.DoesNotContain(tried, d => ReferenceEquals(d, destination));
        proxy.AvailableDestinations = destination;
        proxy.ProxiedDestination = destination;
        var error = outcome(tried.Count);
        tried.Add(destination);
        if (error != ForwarderError.None)
        {
            ProxyContexts.Fail(context, error, StatusCodes.Status502BadGateway, Refused);
        }

        return Task.CompletedTask;
    }
}

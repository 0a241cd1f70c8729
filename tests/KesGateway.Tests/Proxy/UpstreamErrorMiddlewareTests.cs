using System.Net.Sockets;
using System.Security.Authentication;
using KesGateway.Server.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Forwarder;

namespace KesGateway.Tests.Proxy;

public sealed class UpstreamErrorMiddlewareTests
{
    [Fact]
    public async Task Invoke_NoAvailableDestinations503_Becomes502InKesShape()
    {
        var context = ProxyContexts.Create("GET");
        var sut = Create(ctx =>
        {
            ProxyContexts.Fail(ctx, ForwarderError.NoAvailableDestinations, StatusCodes.Status503ServiceUnavailable);
            return Task.CompletedTask;
        });

        await sut.InvokeAsync(context);

        Assert.Equal(StatusCodes.Status502BadGateway, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal("{\"message\":\"upstream 'a': no KES server available (no endpoint is configured)\"\n}", ProxyContexts.Body(context));
    }

    [Theory]
    [InlineData(ForwarderError.Request, 502, 502, "upstream 'a': no KES server reachable (connection refused)")]
    [InlineData(ForwarderError.RequestTimedOut, 504, 504, "upstream 'a': the KES server did not answer within 30s")]
    [InlineData(ForwarderError.ResponseHeaders, 502, 502, "upstream 'a': the KES server sent an invalid response (connection refused)")]
    [InlineData(ForwarderError.RequestBodyClient, 400, 400, "invalid request body")]
    [InlineData(ForwarderError.RequestBodyDestination, 504, 504, "upstream 'a': the KES server failed while receiving the request (connection refused)")]
    public async Task Invoke_ForwardingError_IsAnsweredInKesShape(ForwarderError error, int yarpStatus, int status, string message)
    {
        var context = ProxyContexts.Create("GET");
        var sut = Create(ctx =>
        {
            ProxyContexts.Fail(ctx, error, yarpStatus, new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused)));
            return Task.CompletedTask;
        });

        await sut.InvokeAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal($"{{\"message\":\"{message}\"\n}}", ProxyContexts.Body(context));
    }

    [Fact]
    public async Task Invoke_UpstreamAnswer_IsNotTouched()
    {
        var context = ProxyContexts.Create("GET");
        var sut = Create(async ctx =>
        {
            ctx.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await ctx.Response.WriteAsync("{\"message\":\"not ready\"}\n");
        });

        await sut.InvokeAsync(context);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("{\"message\":\"not ready\"}\n", ProxyContexts.Body(context));
    }

    [Fact]
    public async Task Invoke_ClientWentAway_WritesNothing()
    {
        var context = ProxyContexts.Create("GET");
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        context.RequestAborted = aborted.Token;
        var sut = Create(ctx =>
        {
            ProxyContexts.Fail(ctx, ForwarderError.RequestCanceled, StatusCodes.Status400BadRequest);
            return Task.CompletedTask;
        });

        await sut.InvokeAsync(context);

        Assert.Equal(string.Empty, ProxyContexts.Body(context));
    }

    [Fact]
    public async Task Invoke_ResponseAlreadyStarted_WritesNothing()
    {
        var context = ProxyContexts.Create("GET");
        context.Features.Set<IHttpResponseFeature>(new StartedResponse());
        var sut = Create(ctx =>
        {
            ProxyContexts.Fail(ctx, ForwarderError.ResponseBodyDestination, StatusCodes.Status200OK);
            return Task.CompletedTask;
        });

        await sut.InvokeAsync(context);

        Assert.Equal(string.Empty, ProxyContexts.Body(context));
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, "connection refused")]
    [InlineData(SocketError.HostNotFound, "host not found")]
    [InlineData(SocketError.ConnectionReset, "connection reset")]
    [InlineData(SocketError.HostUnreachable, "host unreachable")]
    public void ReasonOf_SocketError_IsShort(SocketError code, string reason) =>
        Assert.Equal(reason, UpstreamErrors.ReasonOf(new HttpRequestException("x (10.0.0.1:7373)", new SocketException((int)code)), null));

    [Fact]
    public void ReasonOf_UntrustedCertificate_SaysWhatToSet()
    {
        var ex = new HttpRequestException("ssl", new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot"));

        Assert.Equal("TLS handshake failed: the KES server's certificate is not issued by a trusted CA (set tls.ca to the CA that issued it)", UpstreamErrors.ReasonOf(ex, null));
    }

    private static UpstreamErrorMiddleware Create(RequestDelegate next) =>
        new(next, new KesProxyConfigProvider(), NullLogger<UpstreamErrorMiddleware>.Instance);

    private sealed class StartedResponse : HttpResponseFeature
    {
        public override bool HasStarted => true;
    }
}

using KesGateway.Server.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace KesGateway.Tests.Proxy;

/// <summary>HttpContexts as YARP's proxy pipeline sees them, without a server.</summary>
internal static class ProxyContexts
{
    public static DefaultHttpContext Create(string method, params DestinationState[] destinations)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/v1/key/list/*";
        context.Response.Body = new MemoryStream();
        var cluster = new ClusterModel(
            new ClusterConfig
            {
                ClusterId = "a",
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(30) },
            },
            new HttpMessageInvoker(new SocketsHttpHandler()));
        context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature
        {
            Cluster = cluster,
            AllDestinations = destinations,
            AvailableDestinations = destinations,
        });
        context.Features.Set(new UpstreamRequestFeature("a"));
        return context;
    }

    public static DestinationState Destination(string address) => new(address, new DestinationModel(new DestinationConfig { Address = address }));

    /// <summary>Fails as YARP's forwarder does: a status, and the error feature.</summary>
    public static void Fail(HttpContext context, ForwarderError error, int status, Exception? exception = null)
    {
        context.Response.StatusCode = status;
        context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(error, exception));
    }

    public static string Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }

    private sealed class ErrorFeature(ForwarderError error, Exception? exception) : IForwarderErrorFeature
    {
        public ForwarderError Error { get; } = error;

        public Exception? Exception { get; } = exception;
    }
}

/// <summary>A request body detection feature for GETs that carry a body.</summary>
internal sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
{
    public bool CanHaveBody { get; } = canHaveBody;
}

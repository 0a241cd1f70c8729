using System.Net.Sockets;
using System.Security.Authentication;
using KesGateway.Core.Protocol;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace KesGateway.Server.Proxy;

/// <summary>KES-shaped answers for the gateway's own forwarding failures, with short reasons that name no address or secret.</summary>
internal static class UpstreamErrors
{
    /// <summary>Returns the answer for <paramref name="error"/>, or <see langword="null"/> when nobody is left to answer (the client went away).</summary>
    public static KesError? ErrorOf(ForwarderError error, Exception? exception, HttpContext context, string upstream, int attempts, TimeSpan? timeout, UpstreamTlsMaterial? tls)
    {
        var prefix = $"upstream '{upstream}': ";
        switch (error)
        {
            case ForwarderError.NoAvailableDestinations:
                return new KesError(StatusCodes.Status502BadGateway, prefix + "no KES server available (no endpoint is configured)");
            case ForwarderError.Request:
                var reason = ReasonOf(exception, tls);
                var detail = attempts > 1 ? $"{attempts} endpoints tried, last: {reason}" : reason;
                return new KesError(StatusCodes.Status502BadGateway, prefix + $"no KES server reachable ({detail})");
            case ForwarderError.RequestTimedOut:
                var limit = timeout is { } t ? " within " + GoDuration.Format(t) : string.Empty;
                return new KesError(StatusCodes.Status504GatewayTimeout, prefix + $"the KES server did not answer{limit}");
            case ForwarderError.RequestCreation:
                return new KesError(StatusCodes.Status502BadGateway, prefix + $"the request cannot be forwarded ({ReasonOf(exception, tls)})");
            case ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled when context.RequestAborted.IsCancellationRequested:
                return null;
            case ForwarderError.RequestBodyClient:
                return context.RequestAborted.IsCancellationRequested
                    ? null
                    : context.Response.StatusCode == StatusCodes.Status408RequestTimeout
                        ? new KesError(StatusCodes.Status408RequestTimeout, "timed out reading the request body")
                        : KesErrors.InvalidRequestBody;
            case ForwarderError.RequestBodyDestination:
                return new KesError(
                    context.Response.StatusCode == StatusCodes.Status504GatewayTimeout ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
                    prefix + $"the KES server failed while receiving the request ({ReasonOf(exception, tls)})");
            case ForwarderError.ResponseHeaders:
                return new KesError(StatusCodes.Status502BadGateway, prefix + $"the KES server sent an invalid response ({ReasonOf(exception, tls)})");
            default:
                var status = context.Response.StatusCode >= 400 ? context.Response.StatusCode : StatusCodes.Status502BadGateway;
                return new KesError(status, prefix + $"forwarding failed ({error})");
        }
    }

    /// <summary>Says in a few words why the KES server could not be talked to.</summary>
    public static string ReasonOf(Exception? exception, UpstreamTlsMaterial? tls)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused",
                        SocketError.ConnectionReset or SocketError.ConnectionAborted => "connection reset",
                        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                        SocketError.TimedOut => "connection timed out",
                        SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown or SocketError.HostDown => "host unreachable",
                        var code => "socket error " + code,
                    };
                case AuthenticationException authentication:
                    return "TLS handshake failed: " + (tls?.TakeLastRejection() ?? TlsReasonOf(authentication));
                case TimeoutException:
                    return "connection timed out";
            }
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("HTTP/2 handshake", StringComparison.Ordinal))
            {
                // With TLS 1.3 a server that refuses the client certificate says so only after the handshake.
                return tls is { ClientCertificate: null }
                    ? $"the KES server closed the connection; no client certificate is configured (upstreams.{tls.Upstream}.tls.cert)"
                    : "the KES server closed the connection right after the TLS handshake (does it accept the gateway's client certificate?)";
            }
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: var kind and not HttpRequestError.Unknown })
            {
                return kind switch
                {
                    HttpRequestError.NameResolutionError => "host not found",
                    HttpRequestError.ConnectionError => "connection failed",
                    HttpRequestError.SecureConnectionError => "TLS handshake failed",
                    HttpRequestError.HttpProtocolError => "HTTP protocol error",
                    HttpRequestError.ResponseEnded => "connection closed by the KES server",
                    HttpRequestError.InvalidResponse => "invalid response",
                    _ => kind.ToString(),
                };
            }
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is IOException)
            {
                return "connection closed by the KES server";
            }
        }

        return exception is null ? "unknown error" : exception.GetType().Name;
    }

    private static string TlsReasonOf(AuthenticationException exception)
    {
        var message = exception.Message;
        if (message.Contains("UntrustedRoot", StringComparison.Ordinal) || message.Contains("PartialChain", StringComparison.Ordinal))
        {
            return "the KES server's certificate is not issued by a trusted CA (set tls.ca to the CA that issued it)";
        }

        if (message.Contains("RemoteCertificateNameMismatch", StringComparison.Ordinal))
        {
            return "the KES server's certificate is not valid for the name the gateway connected to (see tls.server_name)";
        }

        if (message.Contains("NotTimeValid", StringComparison.Ordinal))
        {
            return "the KES server's certificate has expired or is not valid yet";
        }

        return message;
    }
}

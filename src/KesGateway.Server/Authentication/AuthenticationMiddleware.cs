using KesGateway.Core.Identity;
using KesGateway.Core.Protocol;
using KesGateway.Server.Endpoints;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KesGateway.Server.Authentication;

/// <summary>Attaches the caller's identity (hex SHA-256 of its certificate's SubjectPublicKeyInfo) to the request.</summary>
/// <remarks>
/// The identity was computed once, in the TLS handshake, from the whole chain the client sent (kes-compat §4.1); this
/// middleware only reads it. Routes that need no identity skip the check; routes that only identify continue without one.
/// </remarks>
public sealed class AuthenticationMiddleware
{
    private readonly RequestDelegate _next;

    /// <summary>Creates the middleware.</summary>
    public AuthenticationMiddleware(RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        _next = next;
    }

    /// <summary>Identifies the caller or answers 400.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Features.GetRequiredFeature<KesRequestFeature>();
        if (request.Route.Auth == RouteAuth.None)
        {
            return _next(context);
        }

        var connection = Identify(context);
        request.Identity = connection.Identity;
        if (connection.Identity is null && request.Route.Auth == RouteAuth.Policy)
        {
            return KesResults.WriteErrorAsync(context, connection.Error ?? KesErrors.ClientCertificateRequired);
        }

        return _next(context);
    }

    private static ConnectionIdentity Identify(HttpContext context)
    {
        if (context.Features.Get<IConnectionItemsFeature>()?.Items is { } items
            && items.TryGetValue(ConnectionIdentity.ItemKey, out var value)
            && value is ConnectionIdentity known)
        {
            return known;
        }

        if (!context.Request.IsHttps)
        {
            return new ConnectionIdentity(null, KesErrors.TlsRequired);
        }

        // A host without our handshake callback (e.g. a test server) only exposes the leaf certificate.
        return context.Connection.ClientCertificate is { } leaf
            ? FromChain([leaf])
            : new ConnectionIdentity(null, KesErrors.ClientCertificateRequired);
    }

    /// <summary>Computes the identity of a peer chain, or the KES error that explains why there is none.</summary>
    public static ConnectionIdentity FromChain(IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return CertificateIdentity.TryFromChain(chain, out var identity, out var error)
            ? new ConnectionIdentity(identity.Value, null)
            : new ConnectionIdentity(null, error == CertificateIdentity.MoreThanOneClientCertificateMessage
                ? KesErrors.TooManyClientCertificates
                : KesErrors.ClientCertificateRequired);
    }
}

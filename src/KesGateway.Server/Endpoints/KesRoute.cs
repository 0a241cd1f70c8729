using Microsoft.AspNetCore.Http;

namespace KesGateway.Server.Endpoints;

/// <summary>One KES API route: its method, path, limits, auth and handler (kes-compat §1.2, §2).</summary>
/// <param name="Method">The expected method; <c>PUT</c> routes also take <c>POST</c>.</param>
/// <param name="Path">The route path as <c>/v1/api</c> reports it; a trailing <c>/</c> makes it a subtree whose rest is the resource.</param>
/// <param name="MaxBody">The largest request body read, in bytes; 0 = the body is ignored.</param>
/// <param name="Timeout">The write deadline; <see cref="TimeSpan.Zero"/> = none (log streams).</param>
/// <param name="Auth">What the caller must prove.</param>
/// <param name="Handler">Serves the request.</param>
public sealed record KesRoute(string Method, string Path, long MaxBody, TimeSpan Timeout, RouteAuth Auth, RequestDelegate Handler)
{
    /// <summary>Gets a value indicating whether the route serves every path below it.</summary>
    public bool IsSubtree => Path.EndsWith('/');

    /// <summary>Reports whether <paramref name="method"/> is what this route expects (POST counts as PUT).</summary>
    public bool Accepts(string method) =>
        string.Equals(method, Method, StringComparison.Ordinal)
        || (Method == HttpMethods.Put && string.Equals(method, HttpMethods.Post, StringComparison.Ordinal));
}

namespace KesGateway.Tests.Common.Proxy;

/// <summary>A request as <see cref="KesUpstreamDouble"/> received it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, percent-encoded as sent.</param>
/// <param name="Query">The query string including '?', or empty.</param>
/// <param name="Host">The Host header (HTTP/1.1) or :authority (HTTP/2).</param>
/// <param name="Protocol">HTTP/1.1 or HTTP/2.</param>
/// <param name="Headers">Every request header (names case-insensitive, multiple values joined with ", ").</param>
/// <param name="Body">The body bytes.</param>
/// <param name="ClientIdentity">The KES identity of the client certificate (hex SHA-256 of its SubjectPublicKeyInfo).</param>
public sealed record UpstreamRequest(
    string Method,
    string Path,
    string Query,
    string Host,
    string Protocol,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    string? ClientIdentity)
{
    /// <summary>Gets the body as UTF-8 text.</summary>
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

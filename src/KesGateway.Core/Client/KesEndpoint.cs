using System.Globalization;
using System.Net;

namespace KesGateway.Core.Client;

/// <summary>
/// One server address, normalised as the kes CLI does: an <c>http://</c> prefix is dropped, <c>https://</c> is
/// assumed, the port defaults to 443 and a path prefix (a KES behind a reverse proxy) is kept without trailing slash.
/// </summary>
internal sealed record KesEndpoint
{
    private const string Https = "https://";
    private const string Http = "http://";

    private KesEndpoint(string host, int port, string pathPrefix)
    {
        Host = host;
        Port = port;
        PathPrefix = pathPrefix;
        var authorityHost = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        Authority = port == 443 ? authorityHost : string.Create(CultureInfo.InvariantCulture, $"{authorityHost}:{port}");
        Display = Https + Authority + pathPrefix;
    }

    /// <summary>Gets the host name or IP literal (IPv6 without brackets).</summary>
    public string Host { get; }

    /// <summary>Gets the TCP port.</summary>
    public int Port { get; }

    /// <summary>Gets the path prefix, empty or starting with <c>/</c> and without trailing slash.</summary>
    public string PathPrefix { get; }

    /// <summary>Gets <c>host[:port]</c> as sent in the <c>Host</c> header (port omitted when 443).</summary>
    public string Authority { get; }

    /// <summary>Gets the endpoint as people write it: <c>https://host[:port][/prefix]</c>.</summary>
    public string Display { get; }

    /// <summary>Gets whether <see cref="Host"/> is an IP literal (no SNI is sent for those).</summary>
    public bool IsIPAddress => IPAddress.TryParse(Host, out _);

    /// <summary>Parses an endpoint such as <c>127.0.0.1:7373</c>, <c>https://kes.example.net</c> or <c>[::1]:7373</c>.</summary>
    /// <exception cref="ArgumentException">The text is not a usable endpoint; the message says why.</exception>
    public static KesEndpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        if (value.Length == 0)
        {
            throw new ArgumentException("invalid server endpoint: empty", nameof(text));
        }

        if (value.StartsWith(Http, StringComparison.OrdinalIgnoreCase))
        {
            value = value[Http.Length..];
        }

        if (!value.StartsWith(Https, StringComparison.OrdinalIgnoreCase))
        {
            if (value.Contains("://", StringComparison.Ordinal))
            {
                throw new ArgumentException($"invalid server endpoint '{text}': KES is served over https://", nameof(text));
            }

            value = Https + value;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host.Length == 0)
        {
            throw new ArgumentException($"invalid server endpoint '{text}'", nameof(text));
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ArgumentException($"invalid server endpoint '{text}': only https://host[:port][/path] is allowed", nameof(text));
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost;
        var prefix = uri.AbsolutePath.TrimEnd('/');
        return new KesEndpoint(host, uri.Port, prefix);
    }

    /// <summary>
    /// The URI the HTTP stack is given: <c>http://</c> because the TLS layer is ours (the connect callback), with the
    /// path sent exactly as built (no dot-segment or escape canonicalisation, which would change a KES resource name).
    /// </summary>
    public Uri RequestUri(string path)
    {
        var authorityHost = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        var text = string.Create(CultureInfo.InvariantCulture, $"http://{authorityHost}:{Port}{PathPrefix}{path}");
        return new Uri(text, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
    }

    /// <inheritdoc/>
    public override string ToString() => Display;
}

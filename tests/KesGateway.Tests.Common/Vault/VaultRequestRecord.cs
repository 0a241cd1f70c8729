namespace KesGateway.Tests.Common.Vault;

/// <summary>One request as the double received it, and what became of it.</summary>
public sealed class VaultRequestRecord
{
    /// <summary>Gets the position in the journal, from 1.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets Kestrel's connection id: requests on one kept-alive connection share it.</summary>
    public required string ConnectionId { get; init; }

    /// <summary>Gets the HTTP version, e.g. "HTTP/1.1".</summary>
    public required string Protocol { get; init; }

    public required string Method { get; init; }

    /// <summary>Gets the raw request target: path and query exactly as sent.</summary>
    public required string Target { get; init; }

    /// <summary>Gets the decoded path, e.g. "/v1/kv/data/tenant-1/my-key".</summary>
    public required string Path { get; init; }

    /// <summary>Gets the query string including '?', or "".</summary>
    public required string Query { get; init; }

    /// <summary>Gets the request headers (repeated headers joined with ", ").</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Gets the request body as UTF-8 text ("" when empty).</summary>
    public required string Body { get; init; }

    /// <summary>Gets when the request arrived, on the double's TimeProvider.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Gets the status code sent; null while in flight, or when the connection was aborted instead.</summary>
    public int? ResponseStatus { get; internal set; }

    /// <summary>Gets a value indicating whether the double dropped the connection instead of answering (fault).</summary>
    public bool Aborted { get; internal set; }

    /// <summary>Gets the path after "/v1/" (what fault matchers and most assertions use), or the whole path.</summary>
    public string VaultPath => Path.StartsWith("/v1/", StringComparison.Ordinal) ? Path[4..] : Path.TrimStart('/');

    public string? Token => Header("X-Vault-Token");

    public string? Namespace => Header("X-Vault-Namespace");

    /// <summary>Gets the X-Vault-Request header (the Go SDK always sends "true").</summary>
    public string? VaultRequest => Header("X-Vault-Request");

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{Method} {Target} → {(Aborted ? "aborted" : ResponseStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "…")}";
}

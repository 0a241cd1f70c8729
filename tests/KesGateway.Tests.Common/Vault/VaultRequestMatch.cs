namespace KesGateway.Tests.Common.Vault;

/// <summary>Which requests a fault applies to. Every property set must match; none set matches everything.</summary>
public sealed class VaultRequestMatch
{
    private VaultPolicyRule? _rule;

    public static VaultRequestMatch Any { get; } = new();

    /// <summary>Gets the HTTP method ("GET", "PUT", "LIST"…), case-insensitive; null = any.</summary>
    public string? Method { get; init; }

    /// <summary>
    /// Gets a pattern for the path after "/v1/" as sent (no query, namespace prefix included if the client put it in the
    /// path): exact, a trailing '*' glob or '+' segments, like ACL paths. Null = any.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>Gets the X-Vault-Namespace value to require (slashes trimmed; "" = no header); null = any.</summary>
    public string? Namespace { get; init; }

    /// <summary>Gets an extra test on the whole record (headers, body…); null = none.</summary>
    public Func<VaultRequestRecord, bool>? Predicate { get; init; }

    public static VaultRequestMatch ForPath(string path, string? method = null) => new() { Path = path, Method = method };

    /// <summary>Matches any request whose path ends with <paramref name="suffix"/> (e.g. "auth/token/renew-self", any namespace).</summary>
    public static VaultRequestMatch EndingWith(string suffix, string? method = null) =>
        new() { Method = method, Predicate = r => r.VaultPath.EndsWith(suffix, StringComparison.Ordinal) };

    internal bool Matches(VaultRequestRecord record)
    {
        if (Method is not null && !string.Equals(Method, record.Method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (Path is not null)
        {
            _rule ??= new VaultPolicyRule(Path.TrimStart('/'), VaultCapabilities.None);
            if (!_rule.Matches(record.VaultPath, VaultOperation.Read))
            {
                return false;
            }
        }

        if (Namespace is not null && Namespace.Trim('/') != (record.Namespace ?? string.Empty).Trim('/'))
        {
            return false;
        }

        return Predicate?.Invoke(record) ?? true;
    }
}

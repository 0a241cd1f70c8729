namespace KesGateway.Core.Keystore.Vault;

/// <summary>One Vault API call: method, path below <c>/v1/</c>, and the headers that vary (vault-compat §2.1).</summary>
internal sealed record VaultRequest
{
    /// <summary>The largest answer read for most calls.</summary>
    public const int DefaultBodyLimit = 1 << 20;

    /// <summary>The largest answer read for a list (KES's cap).</summary>
    public const int ListBodyLimit = 32 << 20;

    /// <summary>Gets the HTTP method.</summary>
    public required HttpMethod Method { get; init; }

    /// <summary>Gets the path below <c>/v1/</c>, e.g. <c>kv/data/tenant-1/my-key</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the query string without <c>?</c>, or <see langword="null"/>.</summary>
    public string? Query { get; init; }

    /// <summary>Gets the JSON body, or <see langword="null"/>; sent without a Content-Type, as Vault's Go SDK does.</summary>
    public byte[]? Body { get; init; }

    /// <summary>Gets the value of <c>X-Vault-Namespace</c>, or <see langword="null"/> for none.</summary>
    public string? Namespace { get; init; }

    /// <summary>Gets the value of <c>X-Vault-Token</c>, or <see langword="null"/> for none.</summary>
    public string? Token { get; init; }

    /// <summary>Gets the cap on the answer's body.</summary>
    public int BodyLimit { get; init; } = DefaultBodyLimit;
}

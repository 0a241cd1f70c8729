using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>The token store's self-service paths, mounted at <c>auth/token/</c> in every namespace (§9.7).</summary>
internal sealed class TokenMount : VaultMount
{
    public TokenMount(string path, VaultCore core)
        : base(path, core)
    {
    }

    public override string Type => "token";

    public override VaultResponse Handle(VaultRequestContext context)
    {
        var token = context.Token!;
        return (context.RelativePath, context.Operation) switch
        {
            ("renew-self", VaultOperation.Update or VaultOperation.Create) => RenewSelf(token, context),
            ("lookup-self", VaultOperation.Read) => VaultResponse.Envelope(LookupData(token, context.Now), Type),
            ("revoke-self", VaultOperation.Update or VaultOperation.Create) => RevokeSelf(token),
            ("renew-self" or "lookup-self" or "revoke-self", _) => Unsupported(),
            _ => VaultResponse.Errors(404, $"no handler for route \"{context.Path}\". route entry not found."),
        };
    }

    /// <summary>The <c>auth</c> object of login and renew responses.</summary>
    public static JsonObject Auth(VaultToken token, DateTimeOffset now)
    {
        var metadata = new JsonObject();
        foreach (var (name, value) in token.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            metadata[name] = value;
        }

        return new JsonObject
        {
            ["client_token"] = token.Id,
            ["accessor"] = token.Accessor,
            ["policies"] = Array(token.Policies),
            ["token_policies"] = Array(token.Policies),
            ["identity_policies"] = null,
            ["metadata"] = token.Metadata.Count == 0 ? null : metadata,
            ["lease_duration"] = Ttl(token, now),
            ["renewable"] = token.Renewable,
            ["entity_id"] = token.EntityId,
            ["token_type"] = token.Type,
            ["orphan"] = token.Orphan,
            ["mfa_requirement"] = null,
            ["num_uses"] = token.NumUses,
        };
    }

    /// <summary>The data of lookup-self.</summary>
    public static JsonObject LookupData(VaultToken token, DateTimeOffset now)
    {
        JsonObject? meta = null;
        if (token.Metadata.Count > 0)
        {
            meta = [];
            foreach (var (name, value) in token.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                meta[name] = value;
            }
        }

        var data = new JsonObject
        {
            ["accessor"] = token.Accessor,
            ["creation_time"] = token.CreationTime.ToUnixTimeSeconds(),
            ["creation_ttl"] = (long)token.CreationTtl.TotalSeconds,
            ["display_name"] = token.DisplayName,
            ["entity_id"] = token.EntityId,
            ["expire_time"] = token.ExpireTime is { } expire ? VaultJson.Time(expire) : null,
            ["explicit_max_ttl"] = (long)token.ExplicitMaxTtl.TotalSeconds,
            ["id"] = token.Id,
            ["issue_time"] = VaultJson.Time(token.CreationTime),
            ["meta"] = meta,
            ["namespace_path"] = token.Namespace.Path,
            ["num_uses"] = token.NumUses,
            ["orphan"] = token.Orphan,
            ["path"] = token.Path,
            ["policies"] = Array(token.Policies),
            ["renewable"] = token.Renewable,
            ["ttl"] = Ttl(token, now),
            ["type"] = token.Type,
        };
        if (token.Period > TimeSpan.Zero)
        {
            data["period"] = (long)token.Period.TotalSeconds;
        }

        return data;
    }

    private static long Ttl(VaultToken token, DateTimeOffset now) =>
        token.ExpireTime is { } expire ? Math.Max(0, (long)Math.Floor((expire - now).TotalSeconds)) : 0;

    private static JsonArray Array(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)v)];

    private VaultResponse RenewSelf(VaultToken token, VaultRequestContext context)
    {
        if (token.RenewFailure is { } failure)
        {
            return VaultResponse.Errors(failure.Status, failure.Error);
        }

        if (!VaultJson.TryDuration(context.Body["increment"], out var increment))
        {
            return VaultResponse.BadRequest("error parsing increment");
        }

        var warnings = new List<string>();
        if (Core.Tokens.Renew(token, increment, context.Now, warnings) is { } error)
        {
            return VaultResponse.BadRequest(error);
        }

        return VaultResponse.Envelope(null, Type, warnings, Auth(token, context.Now));
    }

    private static VaultResponse RevokeSelf(VaultToken token)
    {
        token.Revoked = true;
        return VaultResponse.NoContent();
    }
}

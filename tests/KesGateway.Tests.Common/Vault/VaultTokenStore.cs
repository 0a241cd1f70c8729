namespace KesGateway.Tests.Common.Vault;

/// <summary>Every token of every namespace, with Vault's TTL arithmetic for issue and renew-self.</summary>
internal sealed class VaultTokenStore
{
    private readonly Dictionary<string, VaultToken> _tokens = new(StringComparer.Ordinal);
    private readonly VaultDoubleOptions _options;

    public VaultTokenStore(VaultDoubleOptions options) => _options = options;

    public IEnumerable<VaultToken> All => _tokens.Values;

    public VaultToken? Find(string id) => _tokens.GetValueOrDefault(id);

    public VaultToken IssueRoot(VaultNamespace root, DateTimeOffset now)
    {
        var token = new VaultToken
        {
            Id = "hvs." + VaultCore.RandomId(24),
            Accessor = VaultCore.RandomId(24),
            Namespace = root,
            Policies = ["root"],
            Type = "service",
            CreationTime = now,
            CreationTtl = TimeSpan.Zero,
            Renewable = false,
            Path = "auth/token/root",
            DisplayName = "root",
            Orphan = true,
        };
        _tokens.Add(token.Id, token);
        return token;
    }

    /// <summary>Issues a token from a role's settings; a TTL beyond the effective max is capped with Vault's warning.</summary>
    public VaultToken Issue(VaultNamespace ns, VaultTokenSettings settings, DateTimeOffset now, VaultTokenOrigin origin, List<string> warnings)
    {
        var policies = settings.Policies.Select(p => p.Trim().ToLowerInvariant()).Where(p => p.Length > 0).ToList();
        if (!settings.NoDefaultPolicy && !policies.Contains("default"))
        {
            policies.Add("default");
        }

        policies = [.. policies.Distinct().Order(StringComparer.Ordinal)];
        var batch = settings.Type == "batch";
        TimeSpan ttl;
        DateTimeOffset? maxExpire;
        if (settings.Period > TimeSpan.Zero)
        {
            ttl = settings.Period;
            maxExpire = settings.ExplicitMaxTtl > TimeSpan.Zero ? now + settings.ExplicitMaxTtl : null;
        }
        else
        {
            ttl = settings.Ttl > TimeSpan.Zero ? settings.Ttl : _options.DefaultLeaseTtl;
            var max = EffectiveMax(settings);
            if (ttl > max)
            {
                warnings.Add(CappedWarning(ttl, max));
                ttl = max;
            }

            maxExpire = now + max;
        }

        ttl = TimeSpan.FromSeconds(Math.Floor(ttl.TotalSeconds));
        var token = new VaultToken
        {
            Id = (batch ? "hvb." : "hvs.") + VaultCore.RandomId(24),
            Accessor = batch ? string.Empty : VaultCore.RandomId(24),
            Namespace = ns,
            Policies = policies,
            Type = batch ? "batch" : "service",
            CreationTime = now,
            CreationTtl = ttl,
            ExpireTime = now + ttl,
            MaxExpireTime = maxExpire,
            Period = settings.Period,
            ExplicitMaxTtl = settings.ExplicitMaxTtl,
            Renewable = !batch,
            NumUses = settings.NumUses,
            Path = origin.Path,
            DisplayName = origin.DisplayName,
            Metadata = origin.Metadata,
            EntityId = origin.EntityId,
            RenewalSource = origin.RenewalSource,
            RoleName = origin.RoleName,
        };
        _tokens.Add(token.Id, token);
        return token;
    }

    /// <summary>renew-self: extends to the role's TTL (or the increment, or the period), capped by the max TTL with a warning.</summary>
    public string? Renew(VaultToken token, TimeSpan increment, DateTimeOffset now, List<string> warnings)
    {
        if (token.Type == "batch")
        {
            return "batch tokens cannot be renewed";
        }

        if (!token.Renewable)
        {
            return "token is not renewable";
        }

        var settings = token.RenewalSource?.Invoke();
        if (token.RenewalSource is not null && settings is null)
        {
            return $"role \"{token.RoleName}\" does not exist during renewal";
        }

        var period = settings?.Period ?? token.Period;
        TimeSpan ttl;
        DateTimeOffset? cap = token.MaxExpireTime;
        if (period > TimeSpan.Zero)
        {
            ttl = period;
        }
        else
        {
            ttl = increment > TimeSpan.Zero ? increment
                : settings is null ? token.CreationTtl
                : settings.Ttl > TimeSpan.Zero ? settings.Ttl : _options.DefaultLeaseTtl;
            if (settings is not null)
            {
                var roleCap = token.CreationTime + EffectiveMax(settings);
                cap = cap is { } existing && existing < roleCap ? existing : roleCap;
            }
        }

        if (cap is { } maxValid && now + ttl > maxValid)
        {
            var remaining = TimeSpan.FromSeconds(Math.Floor((maxValid - now).TotalSeconds));
            if (remaining <= TimeSpan.Zero)
            {
                return "past the max TTL, cannot renew";
            }

            warnings.Add(CappedWarning(ttl, remaining));
            ttl = remaining;
        }

        ttl = TimeSpan.FromSeconds(Math.Floor(ttl.TotalSeconds));
        token.ExpireTime = now + ttl;
        return null;
    }

    private TimeSpan EffectiveMax(VaultTokenSettings settings)
    {
        var max = settings.MaxTtl > TimeSpan.Zero && settings.MaxTtl < _options.MaxLeaseTtl ? settings.MaxTtl : _options.MaxLeaseTtl;
        return settings.ExplicitMaxTtl > TimeSpan.Zero && settings.ExplicitMaxTtl < max ? settings.ExplicitMaxTtl : max;
    }

    private static string CappedWarning(TimeSpan ttl, TimeSpan max) =>
        $"TTL of \"{VaultJson.CompactDuration(ttl)}\" exceeded the effective max_ttl of \"{VaultJson.CompactDuration(max)}\"; TTL value is capped accordingly";
}

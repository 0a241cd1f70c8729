using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// The authenticated part of <c>sys/</c> the double knows: <c>mounts/&lt;path&gt;</c> and the UI's preflight
/// <c>internal/ui/mounts/&lt;path&gt;</c> (how a client can learn a KV mount's version). Health is answered earlier.
/// </summary>
internal sealed class SysMount : VaultMount
{
    private const string UiMounts = "internal/ui/mounts/";

    public SysMount(string path, VaultCore core)
        : base(path, core)
    {
    }

    public override string Type => "system";

    /// <summary>The UI preflight path checks capabilities itself, as Vault does.</summary>
    public static bool SkipsAcl(string relativePath) => relativePath.StartsWith(UiMounts, StringComparison.Ordinal);

    public override VaultResponse Handle(VaultRequestContext context)
    {
        if (context.Operation != VaultOperation.Read)
        {
            return VaultResponse.Errors(404, "unsupported path");
        }

        if (context.RelativePath.StartsWith(UiMounts, StringComparison.Ordinal))
        {
            var target = context.RelativePath[UiMounts.Length..];
            var mount = context.Namespace.FindMount(target, out _);
            if (mount is null || !CanSeeMount(context, mount))
            {
                return VaultResponse.Errors(403, $"preflight capability check returned 403, please ensure client's policies grant access to path \"{target.TrimEnd('/')}/\"");
            }

            return VaultResponse.Envelope(Describe(mount), Type);
        }

        if (context.RelativePath.StartsWith("mounts/", StringComparison.Ordinal))
        {
            var mount = context.Namespace.FindMount(context.RelativePath["mounts/".Length..], out var rest);
            return mount is null || rest.Length > 0 ? VaultResponse.BadRequest("cannot find mount") : VaultResponse.Envelope(Describe(mount), Type);
        }

        return VaultResponse.Errors(404, "unsupported path");
    }

    private static bool CanSeeMount(VaultRequestContext context, VaultMount mount)
    {
        var token = context.Token!;
        if (token.IsRoot)
        {
            return true;
        }

        var prefix = context.Namespace.Path[token.Namespace.Path.Length..] + mount.Path;
        foreach (var name in token.Policies)
        {
            if (!token.Namespace.Policies.TryGetValue(name, out var policy))
            {
                continue;
            }

            foreach (var rule in policy.Rules)
            {
                var granted = rule.Capabilities & ~VaultCapabilities.Deny;
                var covers = rule.Pattern.StartsWith(prefix, StringComparison.Ordinal)
                    || (rule.IsGlob && prefix.StartsWith(rule.Pattern[..^1], StringComparison.Ordinal));
                if (covers && granted != VaultCapabilities.None && !rule.Capabilities.HasFlag(VaultCapabilities.Deny))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static JsonObject Describe(VaultMount mount)
    {
        JsonObject? options = null;
        if (mount.Options is { } values)
        {
            options = [];
            foreach (var (name, value) in values)
            {
                options[name] = value;
            }
        }

        return new JsonObject
        {
            ["accessor"] = $"{mount.Type}_{mount.Accessor}",
            ["config"] = new JsonObject { ["default_lease_ttl"] = 0, ["force_no_cache"] = false, ["max_lease_ttl"] = 0 },
            ["description"] = string.Empty,
            ["external_entropy_access"] = false,
            ["local"] = false,
            ["options"] = options,
            ["path"] = mount.Path,
            ["seal_wrap"] = false,
            ["type"] = mount.Type,
            ["uuid"] = Guid.NewGuid().ToString(),
        };
    }
}

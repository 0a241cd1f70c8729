namespace KesGateway.Tests.Common.Vault;

/// <summary>The AppRole auth method: <c>login</c> with role_id and secret_id (§5.1, §9.5).</summary>
internal sealed class AppRoleMount : VaultMount
{
    public AppRoleMount(string path, VaultCore core)
        : base(path, core)
    {
    }

    public override string Type => "approle";

    /// <summary>Gets the roles by lower-case name.</summary>
    public Dictionary<string, AppRoleRole> Roles { get; } = new(StringComparer.Ordinal);

    public override bool IsUnauthenticated(string relativePath) => relativePath == "login";

    public override VaultResponse Handle(VaultRequestContext context)
    {
        if (context.RelativePath != "login")
        {
            return VaultResponse.Errors(404, $"no handler for route \"{context.Path}\". route entry not found.");
        }

        if (context.Operation is not (VaultOperation.Update or VaultOperation.Create))
        {
            return Unsupported();
        }

        var roleId = VaultJson.String(context.Body, "role_id")?.Trim() ?? string.Empty;
        if (roleId.Length == 0)
        {
            return VaultResponse.BadRequest("invalid credentials");
        }

        var role = Roles.Values.FirstOrDefault(r => r.RoleId == roleId);
        if (role is null)
        {
            return VaultResponse.BadRequest("invalid role or secret ID");
        }

        if (role.BindSecretId)
        {
            var secretId = VaultJson.String(context.Body, "secret_id")?.Trim() ?? string.Empty;
            if (secretId.Length == 0)
            {
                return VaultResponse.BadRequest("missing secret_id");
            }

            if (!role.SecretIds.TryGetValue(secretId, out var entry))
            {
                return VaultResponse.BadRequest("invalid role or secret ID");
            }

            if (entry.ExpirationTime is { } expires && context.Now >= expires)
            {
                role.SecretIds.Remove(secretId);
                return VaultResponse.BadRequest("invalid role or secret ID");
            }

            if (entry.UsesLeft > 0 && --entry.UsesLeft == 0)
            {
                role.SecretIds.Remove(secretId);
            }
        }

        var name = role.Name;
        var warnings = new List<string>();
        var token = Core.Tokens.Issue(
            context.Namespace,
            role.Token,
            context.Now,
            new VaultTokenOrigin
            {
                Path = context.Path,
                DisplayName = Path["auth/".Length..].TrimEnd('/').Replace('/', '-'),
                Metadata = new() { ["role_name"] = name },
                EntityId = role.EntityId,
                RenewalSource = () => Roles.GetValueOrDefault(name)?.Token,
                RoleName = name,
            },
            warnings);
        return VaultResponse.Envelope(null, Type, warnings, TokenMount.Auth(token, context.Now));
    }

    public AppRoleRole Role(string name) =>
        Roles.TryGetValue(name.ToLowerInvariant(), out var role) ? role : throw new InvalidOperationException($"role \"{name}\" does not exist at {Path}");
}

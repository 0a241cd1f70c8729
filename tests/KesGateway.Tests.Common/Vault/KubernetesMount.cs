namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// The Kubernetes auth method (§5.2): <c>login</c> with role and jwt. No JWT crypto or TokenReview: a JWT is valid
/// when it is in the table the test filled.
/// </summary>
internal sealed class KubernetesMount : VaultMount
{
    public KubernetesMount(string path, VaultCore core)
        : base(path, core)
    {
    }

    public override string Type => "kubernetes";

    public Dictionary<string, KubernetesRole> Roles { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the accepted JWT strings and the service account each one names.</summary>
    public Dictionary<string, KubernetesServiceAccount> Jwts { get; } = new(StringComparer.Ordinal);

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

        var roleName = VaultJson.String(context.Body, "role") ?? string.Empty;
        if (roleName.Length == 0)
        {
            return VaultResponse.BadRequest("missing role");
        }

        var jwt = VaultJson.String(context.Body, "jwt") ?? string.Empty;
        if (jwt.Length == 0)
        {
            return VaultResponse.BadRequest("missing jwt");
        }

        if (!Roles.TryGetValue(roleName.ToLowerInvariant(), out var role))
        {
            return VaultResponse.BadRequest($"invalid role name \"{roleName}\"");
        }

        if (!Jwts.TryGetValue(jwt, out var account))
        {
            return VaultResponse.Errors(403, "permission denied");
        }

        if (!Bound(role.BoundServiceAccountNames, account.Name))
        {
            return VaultResponse.Errors(403, "service account name not authorized");
        }

        if (!Bound(role.BoundServiceAccountNamespaces, account.Namespace))
        {
            return VaultResponse.Errors(403, "namespace not authorized");
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
                DisplayName = $"{Path["auth/".Length..].TrimEnd('/').Replace('/', '-')}-{account.Namespace}-{account.Name}",
                Metadata = new()
                {
                    ["role"] = name,
                    ["service_account_name"] = account.Name,
                    ["service_account_namespace"] = account.Namespace,
                    ["service_account_secret_name"] = account.SecretName,
                    ["service_account_uid"] = account.Uid,
                },
                EntityId = role.EntityId,
                RenewalSource = () => Roles.GetValueOrDefault(name)?.Token,
                RoleName = name,
            },
            warnings);
        return VaultResponse.Envelope(null, Type, warnings, TokenMount.Auth(token, context.Now));
    }

    private static bool Bound(List<string> allowed, string value) => allowed.Contains("*") || allowed.Contains(value);
}

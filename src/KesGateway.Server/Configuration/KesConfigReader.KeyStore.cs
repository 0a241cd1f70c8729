using System.Collections.Frozen;
using System.Collections.Immutable;

namespace KesGateway.Server.Configuration;

/// <summary>The <c>keystore:</c> section: exactly one kind, each with KES's required fields.</summary>
internal sealed partial class KesConfigReader
{
    private const string Redacted = "<redacted>";

    // Kinds in the order KES checks them: the first invalid or second present kind is the error KES reports.
    private static readonly string[] KeyStoreKinds = ["fs", "vault", "fortanix", "gemalto", "gcp", "aws", "azure", "entrust"];

    // The fields of the stores this version validates but cannot serve, in KES's check order; Required holds KES's message.
    private static readonly FrozenDictionary<string, KeyStoreField[]> UnsupportedFields = new Dictionary<string, KeyStoreField[]>(StringComparer.Ordinal)
    {
        ["fortanix"] =
        [
            new("sdkms.endpoint", Required: "invalid fortanix SDKMS keystore: no endpoint specified"),
            new("sdkms.credentials.key", Secret: true, Required: "invalid fortanix SDKMS keystore: no API key specified"),
            new("sdkms.group_id"),
            new("sdkms.tls.ca", IsPath: true),
        ],
        ["gemalto"] =
        [
            new("keysecure.endpoint", Required: "invalid gemalto keysecure keystore: no endpoint specified"),
            new("keysecure.credentials.token", Secret: true, Required: "invalid gemalto keysecure keystore: no token specified"),
            new("keysecure.credentials.domain"),
            new("keysecure.tls.ca", IsPath: true),
        ],
        ["gcp"] =
        [
            new("secretmanager.project_id", Required: "invalid GCP secretmanager keystore: no project ID specified"),
            new("secretmanager.endpoint"),
            new("secretmanager.scopes", IsList: true),
            new("secretmanager.credentials.client_email"),
            new("secretmanager.credentials.client_id"),
            new("secretmanager.credentials.private_key_id"),
            new("secretmanager.credentials.private_key", Secret: true),
        ],
        ["aws"] =
        [
            new("secretsmanager.endpoint", Required: "invalid AWS secretsmanager keystore: no endpoint specified"),
            new("secretsmanager.region", Required: "invalid AWS secretsmanager keystore: no region specified"),
            new("secretsmanager.kmskey"),
            new("secretsmanager.credentials.accesskey"),
            new("secretsmanager.credentials.secretkey", Secret: true),
            new("secretsmanager.credentials.token", Secret: true),
        ],
        ["azure"] =
        [
            new("keyvault.endpoint", Required: "invalid Azure keyvault keystore: no endpoint specified"),
            new("keyvault.credentials.tenant_id"),
            new("keyvault.credentials.client_id"),
            new("keyvault.credentials.client_secret", Secret: true),
            new("keyvault.managed_identity.client_id"),
        ],
        ["entrust"] =
        [
            new("keycontrol.endpoint", Required: "invalid Entrust KeyControl keystore: no endpoint specified"),
            new("keycontrol.vault_id", Required: "invalid Entrust KeyControl keystore: no vault ID specified"),
            new("keycontrol.box_id", Required: "invalid Entrust KeyControl keystore: no box ID specified"),
            new("keycontrol.credentials.username", Required: "invalid Entrust KeyControl keystore: no username specified"),
            new("keycontrol.credentials.password", Secret: true, Required: "invalid Entrust KeyControl keystore: no password specified"),
            new("keycontrol.tls.ca", IsPath: true),
        ],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private KeyStoreConfig ReadKeyStore(ConfigNode section)
    {
        KeyStoreConfig? keyStore = null;
        var first = default(ConfigNode);
        foreach (var kind in KeyStoreKinds)
        {
            var node = section[kind];
            if (!node.Exists)
            {
                continue;
            }

            if (keyStore is not null)
            {
                throw _source.Error(
                    node.Field,
                    node.Line,
                    $"invalid keystore config: more than once keystore specified ({first.Field} is at line {first.Line})",
                    "Keep exactly one key store under keystore:");
            }

            first = node;
            keyStore = kind switch
            {
                "fs" => ReadFs(node),
                "vault" => ReadVault(node),
                "azure" => ReadAzure(node),
                _ => ReadUnsupported(kind, node),
            };
        }

        if (keyStore is null)
        {
            var fix = section["kes"].Exists
                ? "keystore.kes (another KES server as the key store) is not supported, as in current KES; use fs or vault"
                : "Add a keystore section with one store, e.g. 'fs:' with 'path: ./keys', or 'vault:' with endpoint and approle";
            throw _source.Error(section.Field, section.Line, "no keystore specified", fix);
        }

        return keyStore;
    }

    private FsKeyStoreConfig ReadFs(ConfigNode fs)
    {
        var pathNode = fs["path"];
        var path = pathNode.Text();
        if (string.IsNullOrEmpty(path))
        {
            throw _source.Error(pathNode.Field, pathNode.Line, "invalid fs keystore: no path specified", "Set it to the directory that holds one file per key, e.g. ./keys");
        }

        return new FsKeyStoreConfig(_source.ResolvePath(path));
    }

    private VaultKeyStoreConfig ReadVault(ConfigNode vault)
    {
        var endpointNode = vault["endpoint"];
        var endpoint = endpointNode.Text();
        if (string.IsNullOrEmpty(endpoint))
        {
            throw _source.Error(endpointNode.Field, endpointNode.Line, "invalid vault keystore: no endpoint specified", "Set it to Vault's URL, e.g. https://127.0.0.1:8200");
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw _source.Error(endpointNode.Field, endpointNode.Line, $"invalid vault keystore: invalid endpoint '{endpoint}'", "Write Vault's URL with its scheme, e.g. https://127.0.0.1:8200");
        }

        var versionNode = vault["version"];
        var version = versionNode.Text();
        if (!string.IsNullOrEmpty(version) && version is not ("v1" or "v2"))
        {
            throw _source.Error(versionNode.Field, versionNode.Line, $"invalid vault keystore: invalid K/V engine version '{version}'", "Use v1 or v2 (the version of the K/V secrets engine), or leave it empty for v1");
        }

        var (appRoleNode, kubernetesNode) = ChooseAuthentication(vault, vault["approle"], vault["kubernetes"]);
        var appRole = appRoleNode is { } a ? ReadAppRole(a) : null;
        var kubernetes = kubernetesNode is { } k ? ReadKubernetes(k) : null;
        var transitNode = Unless(vault["transit"], blank: "so no transit key wraps the stored keys");
        var transit = transitNode is { } t ? ReadTransit(t) : null;

        var tls = vault["tls"];
        var keyPath = NullIfEmpty(tls["key"].Text());
        var certPath = NullIfEmpty(tls["cert"].Text());
        if (keyPath is not null && certPath is null)
        {
            throw _source.Error(tls["cert"].Field, tls["cert"].Line, "invalid vault keystore: invalid tls config: no TLS certificate provided", "Give the client certificate with the key, or remove both");
        }

        if (keyPath is null && certPath is not null)
        {
            throw _source.Error(tls["key"].Field, tls["key"].Line, "invalid vault keystore: invalid tls config: no TLS private key provided", "Give the private key with the certificate, or remove both");
        }

        var ca = NullIfEmpty(tls["ca"].Text());
        var ping = ReadNonNegative(vault["status"]["ping"], "invalid vault keystore: invalid status ping");
        var defaults = new VaultKeyStoreConfig { Endpoint = endpoint };
        return defaults with
        {
            Engine = NullIfEmpty(vault["engine"].Text()) ?? defaults.Engine,
            Version = NullIfEmpty(version) ?? defaults.Version,
            Namespace = vault["namespace"].Text() ?? string.Empty,
            Prefix = vault["prefix"].Text() ?? string.Empty,
            AppRole = appRole,
            Kubernetes = kubernetes,
            Transit = transit,
            Tls = new VaultTlsConfig
            {
                KeyPath = keyPath is null ? null : _source.ResolvePath(keyPath),
                CertificatePath = certPath is null ? null : _source.ResolvePath(certPath),
                CaPath = ca is null ? null : _source.ResolvePath(ca),
            },

            // Zero means "not set" in KES, which then polls every 15 s.
            StatusPing = ping is { } p && p > TimeSpan.Zero ? p : defaults.StatusPing,
        };
    }

    // KES requires exactly one login method. A block whose values are all empty (the tutorial's template leaves
    // both approle and kubernetes unfilled) is dropped when the other one is filled in, so the template can be used as is.
    private (ConfigNode? AppRole, ConfigNode? Kubernetes) ChooseAuthentication(ConfigNode vault, ConfigNode appRole, ConfigNode kubernetes)
    {
        ConfigNode? a = appRole.IsNull ? null : appRole;
        ConfigNode? k = kubernetes.IsNull ? null : kubernetes;
        if (a is { IsBlank: true } && k is { IsBlank: false })
        {
            a = Unless(appRole, blank: $"as {kubernetes.Field} is set");
        }
        else if (k is { IsBlank: true } && a is { IsBlank: false })
        {
            k = Unless(kubernetes, blank: $"as {appRole.Field} is set");
        }

        if (a is null && k is null)
        {
            throw _source.Error(
                vault.Field,
                vault.Line,
                "invalid vault keystore: no authentication method specified",
                "Add 'approle:' with id and secret, or 'kubernetes:' with role and jwt");
        }

        if (a is not null && k is { } both)
        {
            throw _source.Error(both.Field, both.Line, "invalid vault keystore: more than one authentication method specified", "Keep either approle or kubernetes");
        }

        return (a, k);
    }

    // Returns the node unless it is null or all-blank; an all-blank block is dropped with a warning saying why.
    private ConfigNode? Unless(ConfigNode node, string blank)
    {
        if (node.IsNull)
        {
            return null;
        }

        if (!node.IsBlank)
        {
            return node;
        }

        _source.Warn(node.Field, node.Line, $"every value is empty, so the section is ignored ({blank})");
        return null;
    }

    private VaultAppRoleConfig ReadAppRole(ConfigNode node)
    {
        var idNode = node["id"];
        var id = idNode.Text();
        if (string.IsNullOrEmpty(id))
        {
            throw _source.Error(idNode.Field, idNode.Line, "invalid vault keystore: invalid approle config: no approle ID specified", "Set it to the AppRole's role_id (vault read auth/approle/role/<role>/role-id)");
        }

        var secretNode = node["secret"];
        var secret = secretNode.Text();
        if (string.IsNullOrEmpty(secret))
        {
            throw _source.Error(
                secretNode.Field,
                secretNode.Line,
                "invalid vault keystore: invalid approle config: no approle secret specified",
                "Set it to a secret_id (vault write -f auth/approle/role/<role>/secret-id); '${VAR}' keeps it out of the file");
        }

        var defaults = new VaultAppRoleConfig { Id = id, Secret = secret };
        return defaults with
        {
            Engine = NullIfEmpty(node["engine"].Text()) ?? defaults.Engine,
            Namespace = node["namespace"].Text() ?? string.Empty,
            Retry = ReadRetry(node["retry"]),
        };
    }

    // KES ≤ v0.22 waited 'retry' between failed logins and current KES ignores it; we honour it again.
    private TimeSpan? ReadRetry(ConfigNode node) =>
        ReadNonNegative(node, "invalid login retry interval") is { } retry && retry > TimeSpan.Zero ? retry : null;

    private VaultKubernetesConfig ReadKubernetes(ConfigNode node)
    {
        var jwtNode = node["jwt"];
        var jwt = jwtNode.Text();
        if (string.IsNullOrEmpty(jwt))
        {
            throw _source.Error(jwtNode.Field, jwtNode.Line, "invalid vault keystore: invalid kubernetes config: no JWT specified", "Set it to the service-account token or to the path of the file holding it");
        }

        string? file = null;
        if (jwt.Contains('/', StringComparison.Ordinal) || jwt.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            // KES re-reads the file at every login; checking it now turns a wrong path into a startup error.
            file = _source.ResolvePath(jwt);
            try
            {
                using var stream = File.OpenRead(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw _source.Error(
                    jwtNode.Field,
                    jwtNode.Line,
                    $"failed to read vault kubernetes JWT from '{jwt}': {ex.Message.TrimEnd('.')}",
                    "A value containing '/' is the path of a token file, relative to the config file's directory",
                    ex);
            }
        }

        var defaults = new VaultKubernetesConfig();
        return defaults with
        {
            Engine = NullIfEmpty(node["engine"].Text()) ?? defaults.Engine,
            Namespace = node["namespace"].Text() ?? string.Empty,
            Role = node["role"].Text() ?? string.Empty,
            Jwt = file is null ? jwt : null,
            JwtFile = file,
            Retry = ReadRetry(node["retry"]),
        };
    }

    private VaultTransitConfig ReadTransit(ConfigNode node)
    {
        var keyNode = node["key"];
        var key = keyNode.Text();
        if (string.IsNullOrEmpty(key))
        {
            throw _source.Error(keyNode.Field, keyNode.Line, "invalid vault keystore: invalid transit config: no key name specified", "Set it to the name of the transit key, or remove the transit section");
        }

        var defaults = new VaultTransitConfig { Key = key };
        return defaults with { Engine = NullIfEmpty(node["engine"].Text()) ?? defaults.Engine };
    }

    private UnsupportedKeyStoreConfig ReadAzure(ConfigNode azure)
    {
        var settings = ReadUnsupported("azure", azure);
        var vault = azure["keyvault"];
        var credentials = vault["credentials"];
        var managed = vault["managed_identity"];
        if (!credentials.IsNull && !managed.IsNull)
        {
            throw _source.Error(managed.Field, managed.Line, "invalid Azure keyvault keystore: more than one authentication method specified", "Keep either credentials or managed_identity");
        }

        if (!credentials.IsNull)
        {
            Require(credentials["tenant_id"], "invalid Azure keyvault keystore: no tenant ID specified");
            Require(credentials["client_id"], "invalid Azure keyvault keystore: no client ID specified");
            Require(credentials["client_secret"], "invalid Azure keyvault keystore: no client secret specified");
        }

        if (!managed.IsNull)
        {
            Require(managed["client_id"], "invalid Azure keyvault keystore: no client ID specified");
        }

        return settings;
    }

    private UnsupportedKeyStoreConfig ReadUnsupported(string kind, ConfigNode node)
    {
        var settings = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var field in UnsupportedFields[kind])
        {
            var child = node;
            foreach (var part in field.Path.Split('.'))
            {
                child = child[part];
            }

            var value = field.IsList
                ? string.Join(',', child.Items().Select(i => i.Text()).Where(s => !string.IsNullOrEmpty(s)))
                : child.Text();
            if (field.Required is { } message)
            {
                Require(child, message);
            }

            if (!string.IsNullOrEmpty(value))
            {
                settings[field.Path] = field.Secret ? Redacted : field.IsPath ? _source.ResolvePath(value) : value;
            }
        }

        return new UnsupportedKeyStoreConfig(kind, settings.ToImmutable());
    }

    private void Require(ConfigNode node, string message)
    {
        if (string.IsNullOrEmpty(node.Text()))
        {
            throw _source.Error(node.Field, node.Line, message, $"Set {node.Field}");
        }
    }

    private sealed record KeyStoreField(string Path, bool Secret = false, string? Required = null, bool IsList = false, bool IsPath = false);
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>The transit engine (§9.8): keys with versions, rotate, encrypt (upsert on create), decrypt.</summary>
internal sealed class TransitMount : VaultMount
{
    private const string DerivedContextError = "missing 'context' for key derivation; the key was created using a derived key, which means additional, per-request information must be included in order to perform operations with the key";

    public TransitMount(string path, VaultCore core)
        : base(path, core)
    {
    }

    public override string Type => "transit";

    public Dictionary<string, TransitKey> Keys { get; } = new(StringComparer.Ordinal);

    public override bool? Exists(VaultRequestContext context)
    {
        var (section, name) = Split(context.RelativePath);
        return section == "encrypt" ? Keys.ContainsKey(name) : null;
    }

    public override VaultResponse Handle(VaultRequestContext context)
    {
        var (section, name) = Split(context.RelativePath);
        return (section, context.Operation) switch
        {
            ("encrypt", VaultOperation.Create or VaultOperation.Update) when name.Length > 0 => Encrypt(name, context),
            ("decrypt", VaultOperation.Update) when name.Length > 0 => Decrypt(name, context),
            ("keys", VaultOperation.List) => ListKeys(),
            ("keys", VaultOperation.Read) when name.Length > 0 => ReadKey(name),
            ("keys", VaultOperation.Update) when name.EndsWith("/rotate", StringComparison.Ordinal) => RotateKey(name[..^"/rotate".Length], context.Now),
            ("keys", VaultOperation.Update) when name.Length > 0 => CreateKey(name, context),
            ("keys", VaultOperation.Delete) when name.Length > 0 => DeleteKey(name),
            _ => VaultResponse.Errors(404, $"no handler for route \"{Path}{context.RelativePath}\". route entry not found."),
        };
    }

    private static (string Section, string Name) Split(string relative)
    {
        var slash = relative.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (relative, string.Empty) : (relative[..slash], relative[(slash + 1)..]);
    }

    private VaultResponse Encrypt(string name, VaultRequestContext context)
    {
        if (VaultJson.String(context.Body, "plaintext") is not { } text)
        {
            return VaultResponse.BadRequest("missing plaintext to encrypt");
        }

        if (!TryBase64(text, out var plaintext))
        {
            return VaultResponse.BadRequest("failed to base64-decode plaintext");
        }

        byte[]? derivation = null;
        if (VaultJson.String(context.Body, "context") is { Length: > 0 } contextText && !TryBase64(contextText, out derivation))
        {
            return VaultResponse.BadRequest("failed to base64-decode context");
        }

        if (!Keys.TryGetValue(name, out var key))
        {
            // Upsert: the existence check made this a create, which the caller's policy allowed.
            if (context.Operation != VaultOperation.Create)
            {
                return VaultResponse.BadRequest("encryption key not found");
            }

            key = new TransitKey(name, derivation is not null, context.Now);
            Keys[name] = key;
        }

        if (key.Derived && derivation is null)
        {
            return VaultResponse.BadRequest(DerivedContextError);
        }

        var ciphertext = key.Encrypt(plaintext, key.Derived ? derivation : null);
        return VaultResponse.Envelope(new JsonObject { ["ciphertext"] = ciphertext, ["key_version"] = key.LatestVersion }, Type);
    }

    private VaultResponse Decrypt(string name, VaultRequestContext context)
    {
        if (VaultJson.String(context.Body, "ciphertext") is not { Length: > 0 } ciphertext)
        {
            return VaultResponse.BadRequest("missing ciphertext to decrypt");
        }

        if (!Keys.TryGetValue(name, out var key))
        {
            return VaultResponse.BadRequest("encryption key not found");
        }

        byte[]? derivation = null;
        if (VaultJson.String(context.Body, "context") is { Length: > 0 } contextText && !TryBase64(contextText, out derivation))
        {
            return VaultResponse.BadRequest("failed to base64-decode context");
        }

        if (key.Derived && derivation is null)
        {
            return VaultResponse.BadRequest(DerivedContextError);
        }

        var plaintext = key.Decrypt(ciphertext, key.Derived ? derivation : null, out var error);
        return plaintext is null
            ? VaultResponse.BadRequest(error!)
            : VaultResponse.Envelope(new JsonObject { ["plaintext"] = Convert.ToBase64String(plaintext) }, Type);
    }

    private VaultResponse ListKeys() =>
        Keys.Count == 0 ? VaultResponse.NotFound() : VaultResponse.Envelope(KvV1Mount.KeysData([.. Keys.Keys.Order(StringComparer.Ordinal)]), Type);

    private VaultResponse ReadKey(string name)
    {
        if (!Keys.TryGetValue(name, out var key))
        {
            return VaultResponse.NotFound();
        }

        var versions = new JsonObject();
        foreach (var (version, created) in key.Created)
        {
            versions[version.ToString(CultureInfo.InvariantCulture)] = created.ToUnixTimeSeconds();
        }

        return VaultResponse.Envelope(
            new JsonObject
            {
                ["derived"] = key.Derived,
                ["keys"] = versions,
                ["latest_version"] = key.LatestVersion,
                ["min_decryption_version"] = key.MinDecryptionVersion,
                ["name"] = key.Name,
                ["type"] = "aes256-gcm96",
            },
            Type);
    }

    private VaultResponse DeleteKey(string name)
    {
        Keys.Remove(name);
        return VaultResponse.NoContent();
    }

    private VaultResponse RotateKey(string name, DateTimeOffset now)
    {
        if (!Keys.TryGetValue(name, out var key))
        {
            return VaultResponse.BadRequest("key not found");
        }

        key.Rotate(now);
        return ReadKey(name);
    }

    private VaultResponse CreateKey(string name, VaultRequestContext context)
    {
        if (!Keys.ContainsKey(name))
        {
            var derived = context.Body["derived"] is JsonValue flag && (flag.TryGetValue<bool>(out var b) ? b : VaultJson.TryGoBool(flag.ToString(), out b) && b);
            Keys[name] = new TransitKey(name, derived, context.Now);
        }

        return ReadKey(name);
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}

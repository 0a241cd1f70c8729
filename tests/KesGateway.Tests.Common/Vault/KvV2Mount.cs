using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>KV version 2 (§9.3): versions, metadata, check-and-set, soft delete, destroy, config, pruning.</summary>
internal sealed class KvV2Mount : VaultMount
{
    public const string InvalidPathWarning = "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv <get|put|list|delete|patch>' for this operation.";
    public const string RootPathWarning = "Non-listing operations on the root of a K/V v2 mount are not supported.";
    public const string UpgradingError = "Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.";
    private const int DefaultMaxVersions = 10;

    private static readonly HashSet<string> Sections = ["data", "metadata", "delete", "undelete", "destroy", "subkeys"];
    private readonly SortedDictionary<string, KvV2Key> _keys = new(StringComparer.Ordinal);

    public KvV2Mount(string path, VaultCore core)
        : base(path, core)
    {
    }

    public override string Type => "kv";

    public override IReadOnlyDictionary<string, string>? Options => new Dictionary<string, string> { ["version"] = "2" };

    /// <summary>Gets or sets the mount's max_versions (0 = 10).</summary>
    public int MaxVersions { get; set; }

    public bool CasRequired { get; set; }

    public TimeSpan DeleteVersionAfter { get; set; }

    /// <summary>Gets or sets whether a v1→v2 upgrade is running: every request is a 400.</summary>
    public bool Upgrading { get; set; }

    public IEnumerable<string> Keys => _keys.Keys;

    public KvV2Key? Find(string path) => _keys.GetValueOrDefault(VaultPaths.Key(path));

    public override bool? Exists(VaultRequestContext context)
    {
        var (section, rest) = Split(context.RelativePath);
        return section is "data" or "metadata" && rest is { Length: > 0 } ? _keys.ContainsKey(rest) : null;
    }

    public override VaultResponse Handle(VaultRequestContext context)
    {
        if (Upgrading)
        {
            return VaultResponse.BadRequest(UpgradingError);
        }

        var (section, rest) = Split(context.RelativePath);
        if (section == "config" && string.IsNullOrEmpty(rest))
        {
            return Config(context);
        }

        if (!Sections.Contains(section))
        {
            return Warning(InvalidPathWarning);
        }

        if (context.Operation == VaultOperation.List)
        {
            return section == "metadata" ? List(rest ?? string.Empty) : Warning(InvalidPathWarning);
        }

        if (string.IsNullOrEmpty(rest))
        {
            return Warning(RootPathWarning);
        }

        return (section, context.Operation) switch
        {
            ("data", VaultOperation.Read or VaultOperation.Header) => ReadData(rest, context),
            ("data", VaultOperation.Create or VaultOperation.Update) => WriteData(rest, context),
            ("data", VaultOperation.Patch) => PatchData(rest, context),
            ("data", VaultOperation.Delete) => Done(SoftDelete(rest, null, context.Now)),
            ("metadata", VaultOperation.Read) => ReadMetadata(rest, context.Now) is { } metadata ? VaultResponse.Envelope(metadata, Type) : VaultResponse.NotFound(),
            ("metadata", VaultOperation.Create or VaultOperation.Update) => WriteMetadata(rest, context),
            ("metadata", VaultOperation.Delete) => Done(_keys.Remove(rest)),
            ("delete", VaultOperation.Update) => Versions(context, v => SoftDelete(rest, v, context.Now)),
            ("undelete", VaultOperation.Update) => Versions(context, v => Undelete(rest, v)),
            ("destroy", VaultOperation.Update) => Versions(context, v => Destroy(rest, v)),
            ("subkeys", VaultOperation.Read) => ReadSubkeys(rest, context),
            _ => Unsupported(),
        };
    }

    /// <summary>The metadata of <paramref name="path"/>, created (current_version 0) when there is none.</summary>
    public KvV2Key Metadata(string path, DateTimeOffset now)
    {
        path = VaultPaths.Key(path);
        if (!_keys.TryGetValue(path, out var key))
        {
            key = new KvV2Key { CreatedTime = now, UpdatedTime = now };
            _keys[path] = key;
        }

        return key;
    }

    /// <summary>Writes a new version as a client without cas would; returns its number.</summary>
    public int Write(string path, JsonObject data, DateTimeOffset now)
    {
        var key = Metadata(path, now);
        var version = key.CurrentVersion + 1;
        var deleteAfter = key.DeleteVersionAfter > TimeSpan.Zero ? key.DeleteVersionAfter : DeleteVersionAfter;
        key.Versions[version] = new KvV2Version
        {
            CreatedTime = now,
            Data = (JsonObject)data.DeepClone(),
            DeletionTime = deleteAfter > TimeSpan.Zero ? now + deleteAfter : null,
        };
        key.CurrentVersion = version;
        key.UpdatedTime = now;
        var max = key.MaxVersions > 0 ? key.MaxVersions : MaxVersions > 0 ? MaxVersions : DefaultMaxVersions;
        while (key.Versions.Count > max)
        {
            key.Versions.Remove(key.Versions.Keys.First());
            key.OldestVersion = key.Versions.Keys.First();
        }

        return version;
    }

    /// <summary>Soft-deletes the given versions (null = the current one); true when the key exists.</summary>
    public bool SoftDelete(string path, int? version, DateTimeOffset now)
    {
        if (!_keys.TryGetValue(VaultPaths.Key(path), out var key))
        {
            return false;
        }

        if (key.Versions.TryGetValue(version ?? key.CurrentVersion, out var entry) && !entry.Destroyed && !entry.IsDeleted(now))
        {
            entry.DeletionTime = now;
        }

        return true;
    }

    public bool Undelete(string path, int version)
    {
        if (!_keys.TryGetValue(VaultPaths.Key(path), out var key))
        {
            return false;
        }

        if (key.Versions.TryGetValue(version, out var entry) && !entry.Destroyed)
        {
            entry.DeletionTime = null;
        }

        return true;
    }

    public bool Destroy(string path, int version)
    {
        if (!_keys.TryGetValue(VaultPaths.Key(path), out var key))
        {
            return false;
        }

        if (key.Versions.TryGetValue(version, out var entry))
        {
            entry.Destroyed = true;
            entry.Data = null;
        }

        return true;
    }

    public bool DeleteMetadata(string path) => _keys.Remove(VaultPaths.Key(path));

    /// <summary>The metadata object Vault returns for GET metadata/…; null when there is none.</summary>
    public JsonObject? ReadMetadata(string path, DateTimeOffset now)
    {
        if (!_keys.TryGetValue(VaultPaths.Key(path), out var key))
        {
            return null;
        }

        var versions = new JsonObject();
        foreach (var (number, entry) in key.Versions)
        {
            versions[number.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["created_time"] = VaultJson.Time(entry.CreatedTime),
                ["deletion_time"] = entry.DeletionTime is { } deleted ? VaultJson.Time(deleted) : string.Empty,
                ["destroyed"] = entry.Destroyed,
            };
        }

        return new JsonObject
        {
            ["cas_required"] = key.CasRequired,
            ["created_time"] = VaultJson.Time(key.CreatedTime),
            ["current_version"] = key.CurrentVersion,
            ["custom_metadata"] = key.CustomMetadata?.DeepClone(),
            ["delete_version_after"] = VaultJson.GoDuration(key.DeleteVersionAfter),
            ["max_versions"] = key.MaxVersions,
            ["oldest_version"] = key.OldestVersion,
            ["updated_time"] = VaultJson.Time(key.UpdatedTime == default ? key.CreatedTime : key.UpdatedTime),
            ["versions"] = versions,
        };
    }

    private static (string Section, string? Remainder) Split(string relative)
    {
        var slash = relative.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (relative, null) : (relative[..slash], relative[(slash + 1)..]);
    }

    private VaultResponse Warning(string warning) => VaultResponse.Envelope(null, Type, [warning], status: 404);

    private static VaultResponse Done(bool _) => VaultResponse.NoContent();

    private VaultResponse List(string folder)
    {
        var keys = VaultPaths.Children(_keys.Keys, folder);
        return keys.Count == 0 ? VaultResponse.NotFound() : VaultResponse.Envelope(KvV1Mount.KeysData(keys), Type);
    }

    private VaultResponse ReadData(string path, VaultRequestContext context) => ReadVersion(path, context, subkeys: false);

    private VaultResponse ReadSubkeys(string path, VaultRequestContext context) => ReadVersion(path, context, subkeys: true);

    /// <summary>GET data/… or subkeys/…: the version asked for (0 or none = current); deleted or destroyed = 404 with envelope.</summary>
    private VaultResponse ReadVersion(string path, VaultRequestContext context, bool subkeys)
    {
        if (!_keys.TryGetValue(path, out var key))
        {
            return VaultResponse.NotFound();
        }

        var requested = 0L;
        if (context.Query.TryGetValue("version", out var text) && !VaultJson.TryInt(JsonValue.Create(text), out requested))
        {
            return VaultResponse.BadRequest("error parsing version");
        }

        var number = requested > 0 ? (int)requested : key.CurrentVersion;
        if (!key.Versions.TryGetValue(number, out var entry))
        {
            return VaultResponse.NotFound();
        }

        var metadata = VersionMetadata(key, number, entry);
        if (entry.Destroyed || entry.IsDeleted(context.Now))
        {
            return VaultResponse.Envelope(new JsonObject { [subkeys ? "subkeys" : "data"] = null, ["metadata"] = metadata }, Type, status: 404);
        }

        return subkeys
            ? VaultResponse.Envelope(new JsonObject { ["metadata"] = metadata, ["subkeys"] = Subkeys(entry.Data!) }, Type)
            : VaultResponse.Envelope(new JsonObject { ["data"] = entry.Data!.DeepClone(), ["metadata"] = metadata }, Type);
    }

    private static JsonObject Subkeys(JsonObject data)
    {
        var result = new JsonObject();
        foreach (var (name, value) in data)
        {
            result[name] = value is JsonObject nested ? Subkeys(nested) : null;
        }

        return result;
    }

    private VaultResponse WriteData(string path, VaultRequestContext context)
    {
        if (context.Body["data"] is not JsonObject data)
        {
            return VaultResponse.BadRequest("no data provided");
        }

        _keys.TryGetValue(path, out var key);
        if (CheckCas(context.Body, key) is { } error)
        {
            return error;
        }

        var version = Write(path, data, context.Now);
        key = _keys[path];
        return VaultResponse.Envelope(VersionMetadata(key, version, key.Versions[version]), Type);
    }

    private VaultResponse PatchData(string path, VaultRequestContext context)
    {
        if (!_keys.TryGetValue(path, out var key) || !key.Versions.TryGetValue(key.CurrentVersion, out var current)
            || current.Destroyed || current.IsDeleted(context.Now))
        {
            return VaultResponse.NotFound();
        }

        if (context.Body["data"] is not JsonObject patch)
        {
            return VaultResponse.BadRequest("no data provided");
        }

        if (context.Body["options"]?["cas"] is not null && CheckCas(context.Body, key) is { } error)
        {
            return error;
        }

        var merged = (JsonObject)current.Data!.DeepClone();
        Merge(merged, patch);
        var version = Write(path, merged, context.Now);
        return VaultResponse.Envelope(VersionMetadata(key, version, key.Versions[version]), Type);
    }

    private VaultResponse? CheckCas(JsonObject body, KvV2Key? key)
    {
        var cas = body["options"]?["cas"];
        if (cas is not null)
        {
            if (!VaultJson.TryInt(cas, out var expected))
            {
                return VaultResponse.BadRequest("error parsing check-and-set parameter");
            }

            return expected != (key?.CurrentVersion ?? 0)
                ? VaultResponse.BadRequest("check-and-set parameter did not match the current version")
                : null;
        }

        return CasRequired || key?.CasRequired == true
            ? VaultResponse.BadRequest("check-and-set parameter required for this call")
            : null;
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject nested && target[name] is JsonObject existing)
            {
                Merge(existing, nested);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }

    private VaultResponse WriteMetadata(string path, VaultRequestContext context)
    {
        var key = Metadata(path, context.Now);
        var body = context.Body;
        if (body["max_versions"] is { } max && VaultJson.TryInt(max, out var maxVersions))
        {
            key.MaxVersions = (int)maxVersions;
        }

        if (body["cas_required"] is JsonValue cas)
        {
            key.CasRequired = cas.TryGetValue<bool>(out var flag) ? flag : VaultJson.TryGoBool(cas.ToString(), out flag) && flag;
        }

        if (body["delete_version_after"] is { } after && VaultJson.TryDuration(after, out var duration))
        {
            key.DeleteVersionAfter = duration;
        }

        if (body["custom_metadata"] is JsonObject custom)
        {
            key.CustomMetadata = (JsonObject)custom.DeepClone();
        }

        key.UpdatedTime = context.Now;
        return VaultResponse.NoContent();
    }

    private VaultResponse Config(VaultRequestContext context)
    {
        switch (context.Operation)
        {
            case VaultOperation.Read:
                return VaultResponse.Envelope(
                    new JsonObject
                    {
                        ["cas_required"] = CasRequired,
                        ["delete_version_after"] = VaultJson.GoDuration(DeleteVersionAfter),
                        ["max_versions"] = MaxVersions,
                    },
                    Type);
            case VaultOperation.Create or VaultOperation.Update:
                if (context.Body["max_versions"] is { } max && VaultJson.TryInt(max, out var maxVersions))
                {
                    MaxVersions = (int)maxVersions;
                }

                if (context.Body["cas_required"] is JsonValue cas)
                {
                    CasRequired = cas.TryGetValue<bool>(out var flag) ? flag : VaultJson.TryGoBool(cas.ToString(), out flag) && flag;
                }

                if (context.Body["delete_version_after"] is { } after && VaultJson.TryDuration(after, out var duration))
                {
                    DeleteVersionAfter = duration;
                }

                return VaultResponse.NoContent();
            default:
                return Unsupported();
        }
    }

    private static VaultResponse Versions(VaultRequestContext context, Func<int, bool> apply)
    {
        var numbers = new List<int>();
        switch (context.Body["versions"])
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    if (!VaultJson.TryInt(item, out var number))
                    {
                        return VaultResponse.BadRequest("error parsing versions");
                    }

                    numbers.Add((int)number);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!int.TryParse(part, out var number))
                    {
                        return VaultResponse.BadRequest("error parsing versions");
                    }

                    numbers.Add(number);
                }

                break;
            case JsonValue value when VaultJson.TryInt(value, out var single):
                numbers.Add((int)single);
                break;
        }

        if (numbers.Count == 0)
        {
            return VaultResponse.BadRequest("no version number provided");
        }

        foreach (var number in numbers)
        {
            apply(number);
        }

        return VaultResponse.NoContent();
    }

    private static JsonObject VersionMetadata(KvV2Key key, int version, KvV2Version entry) => new()
    {
        ["created_time"] = VaultJson.Time(entry.CreatedTime),
        ["custom_metadata"] = key.CustomMetadata?.DeepClone(),
        ["deletion_time"] = entry.DeletionTime is { } deleted ? VaultJson.Time(deleted) : string.Empty,
        ["destroyed"] = entry.Destroyed,
        ["version"] = version,
    };
}

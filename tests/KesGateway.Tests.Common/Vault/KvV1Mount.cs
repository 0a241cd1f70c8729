using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>KV version 1 ("passthrough"): a flat map of paths to JSON objects stored verbatim (§9.2).</summary>
internal sealed class KvV1Mount : VaultMount
{
    private readonly SortedDictionary<string, JsonObject> _entries = new(StringComparer.Ordinal);

    public KvV1Mount(string path, VaultCore core)
        : base(path, core)
    {
    }

    public override string Type => "kv";

    public override IReadOnlyDictionary<string, string>? Options => new Dictionary<string, string> { ["version"] = "1" };

    public IEnumerable<string> Keys => _entries.Keys;

    public JsonObject? Read(string path) => _entries.TryGetValue(VaultPaths.Key(path), out var value) ? (JsonObject)value.DeepClone() : null;

    public void Write(string path, JsonObject value) => _entries[VaultPaths.Key(path)] = (JsonObject)value.DeepClone();

    public bool Delete(string path) => _entries.Remove(VaultPaths.Key(path));

    public override bool? Exists(VaultRequestContext context) => _entries.ContainsKey(context.RelativePath);

    public override VaultResponse Handle(VaultRequestContext context)
    {
        var path = context.RelativePath;
        switch (context.Operation)
        {
            case VaultOperation.Read or VaultOperation.Header:
                if (!_entries.TryGetValue(path, out var value))
                {
                    return VaultResponse.NotFound();
                }

                return VaultResponse.Envelope(value.DeepClone(), Type, leaseDuration: LeaseSeconds(value));

            case VaultOperation.List:
                var keys = VaultPaths.Children(_entries.Keys, path);
                return keys.Count == 0 ? VaultResponse.NotFound() : VaultResponse.Envelope(KeysData(keys), Type);

            case VaultOperation.Create or VaultOperation.Update:
                if (context.Body.Count == 0)
                {
                    return VaultResponse.BadRequest("missing data fields");
                }

                _entries[path] = (JsonObject)context.Body.DeepClone();
                return VaultResponse.NoContent();

            case VaultOperation.Delete:
                _entries.Remove(path);
                return VaultResponse.NoContent();

            default:
                return Unsupported();
        }
    }

    internal static JsonObject KeysData(List<string> keys) => new() { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode?)k)]) };

    private long LeaseSeconds(JsonObject value)
    {
        var ttl = value["ttl"] ?? value["lease"];
        return ttl is not null && VaultJson.TryDuration(ttl, out var duration) && duration > TimeSpan.Zero
            ? (long)duration.TotalSeconds
            : (long)Core.Options.DefaultLeaseTtl.TotalSeconds;
    }
}

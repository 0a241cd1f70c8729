using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>The metadata of a KV v2 secret and its versions.</summary>
internal sealed class KvV2Key
{
    public required DateTimeOffset CreatedTime { get; init; }

    public DateTimeOffset UpdatedTime { get; set; }

    /// <summary>Gets or sets the newest version number; 0 while only metadata exists.</summary>
    public int CurrentVersion { get; set; }

    public int OldestVersion { get; set; }

    public int MaxVersions { get; set; }

    public bool CasRequired { get; set; }

    public TimeSpan DeleteVersionAfter { get; set; }

    public JsonObject? CustomMetadata { get; set; }

    public SortedDictionary<int, KvV2Version> Versions { get; } = [];
}

using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>One version of a KV v2 secret.</summary>
internal sealed class KvV2Version
{
    public required DateTimeOffset CreatedTime { get; init; }

    /// <summary>Gets or sets the soft-delete time; a future time (delete_version_after) is not yet deleted.</summary>
    public DateTimeOffset? DeletionTime { get; set; }

    public bool Destroyed { get; set; }

    /// <summary>Gets or sets the secret; null once destroyed.</summary>
    public JsonObject? Data { get; set; }

    public bool IsDeleted(DateTimeOffset now) => DeletionTime is { } time && time <= now;
}

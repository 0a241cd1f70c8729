using System.Globalization;
using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary><c>sys/health</c> and <c>sys/seal-status</c>: the state flags, every *code parameter and the precedence of §9.4.</summary>
internal static class VaultHealth
{
    public static VaultResponse Health(VaultCore core, IReadOnlyDictionary<string, string> query, DateTimeOffset now)
    {
        if (!Flag(query, "standbyok", out var standbyOk) || !Flag(query, "perfstandbyok", out var perfStandbyOk))
        {
            return VaultResponse.Errors(400);
        }

        var codes = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["activecode"] = 200,
            ["standbycode"] = 429,
            ["performancestandbycode"] = 473,
            ["drsecondarycode"] = 472,
            ["haunhealthycode"] = 474,
            ["removedcode"] = 530,
            ["sealedcode"] = 503,
            ["uninitcode"] = 501,
        };
        foreach (var name in codes.Keys.ToList())
        {
            if (query.TryGetValue(name, out var text))
            {
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code))
                {
                    return VaultResponse.Errors(400);
                }

                codes[name] = code;
            }
        }

        var sealedNow = core.Sealed || !core.Initialized;
        var standby = core.Standby || sealedNow;
        var status = true switch
        {
            _ when !core.Initialized => codes["uninitcode"],
            _ when core.RemovedFromCluster => codes["removedcode"],
            _ when sealedNow => codes["sealedcode"],
            _ when core.HaUnhealthy => codes["haunhealthycode"],
            _ when core.DrSecondary => codes["drsecondarycode"],
            _ when core.PerformanceStandby => perfStandbyOk ? codes["activecode"] : codes["performancestandbycode"],
            _ when standby => standbyOk ? codes["activecode"] : codes["standbycode"],
            _ => codes["activecode"],
        };

        var body = new JsonObject
        {
            ["initialized"] = core.Initialized,
            ["sealed"] = sealedNow,
            ["standby"] = standby,
            ["performance_standby"] = core.PerformanceStandby,
            ["replication_performance_mode"] = "disabled",
            ["replication_dr_mode"] = core.DrSecondary ? "secondary" : "disabled",
            ["server_time_utc"] = now.ToUnixTimeSeconds(),
            ["version"] = core.Options.Version,
            ["enterprise"] = core.Options.Enterprise,
        };
        if (!sealedNow)
        {
            body["cluster_name"] = core.ClusterName;
            body["cluster_id"] = core.ClusterId;
        }

        body["echo_duration_ms"] = 0;
        body["clock_skew_ms"] = 0;
        body["replication_primary_canary_age_ms"] = 0;
        if (core.RemovedFromCluster)
        {
            body["removed_from_cluster"] = true;
        }

        return VaultResponse.Json(status, body);
    }

    public static VaultResponse SealStatus(VaultCore core)
    {
        var sealedNow = core.Sealed || !core.Initialized;
        var body = new JsonObject
        {
            ["type"] = "shamir",
            ["initialized"] = core.Initialized,
            ["sealed"] = sealedNow,
            ["t"] = 1,
            ["n"] = 1,
            ["progress"] = 0,
            ["nonce"] = string.Empty,
            ["version"] = core.Options.Version,
            ["build_date"] = "2024-01-01T00:00:00Z",
            ["migration"] = false,
            ["recovery_seal"] = false,
            ["storage_type"] = "inmem",
        };
        if (!sealedNow)
        {
            body["cluster_name"] = core.ClusterName;
            body["cluster_id"] = core.ClusterId;
        }

        return VaultResponse.Json(200, body);
    }

    private static bool Flag(IReadOnlyDictionary<string, string> query, string name, out bool value)
    {
        value = false;
        return !query.TryGetValue(name, out var text) || VaultJson.TryGoBool(text, out value);
    }
}

using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>
/// A response computed in full before anything is written, so a fault can still decide to lose it, truncate it or
/// replace it after the state change has happened.
/// </summary>
internal sealed class VaultResponse
{
    private VaultResponse(int status, string? body, string? contentType)
    {
        Status = status;
        Body = body;
        ContentType = contentType;
    }

    public int Status { get; }

    /// <summary>Gets the body text; null = no body (204, HEAD).</summary>
    public string? Body { get; }

    public string? ContentType { get; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>204 with an empty body: what Vault answers when a backend returns no response object.</summary>
    public static VaultResponse NoContent() => new(204, null, null);

    public static VaultResponse Json(int status, JsonNode body) => new(status, body.ToJsonString() + "\n", "application/json");

    public static VaultResponse Text(int status, string? body, string? contentType) => new(status, body, contentType);

    /// <summary>Vault's error shape <c>{"errors":[…]}</c>; no messages gives <c>{"errors":[]}</c>.</summary>
    public static VaultResponse Errors(int status, params string[] errors)
    {
        var array = new JsonArray();
        foreach (var error in errors)
        {
            array.Add(error);
        }

        return Json(status, new JsonObject { ["errors"] = array });
    }

    /// <summary>The 404 of a missing secret or an empty list.</summary>
    public static VaultResponse NotFound() => Errors(404);

    /// <summary>A backend "user error": 400 with the backend's text.</summary>
    public static VaultResponse BadRequest(string error) => Errors(400, error);

    /// <summary>The full logical response envelope, with Vault's key order.</summary>
    public static VaultResponse Envelope(
        JsonNode? data,
        string? mountType,
        IReadOnlyCollection<string>? warnings = null,
        JsonObject? auth = null,
        int status = 200,
        long leaseDuration = 0,
        bool renewable = false)
    {
        JsonArray? warningArray = null;
        if (warnings is { Count: > 0 })
        {
            warningArray = [];
            foreach (var warning in warnings)
            {
                warningArray.Add(warning);
            }
        }

        var envelope = new JsonObject
        {
            ["request_id"] = Guid.NewGuid().ToString(),
            ["lease_id"] = string.Empty,
            ["renewable"] = renewable,
            ["lease_duration"] = leaseDuration,
            ["data"] = data,
            ["wrap_info"] = null,
            ["warnings"] = warningArray,
            ["auth"] = auth,
        };
        if (mountType is not null)
        {
            envelope["mount_type"] = mountType;
        }

        return Json(status, envelope);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace KesGateway.Tests.Common.Vault;

/// <summary>A programmable misbehaviour (§11.3), applied by <see cref="VaultFaults"/> to matching requests.</summary>
public sealed class VaultFault
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    private VaultFault(VaultFaultKind kind) => Kind = kind;

    internal VaultFaultKind Kind { get; }

    internal int StatusCode { get; private init; }

    internal string? Body { get; private init; }

    internal string? ContentType { get; private init; }

    internal IReadOnlyDictionary<string, string> Headers => _headers;

    internal TimeSpan Duration { get; private init; }

    internal Action<VaultDouble>? Action { get; private init; }

    /// <summary>Answers <paramref name="statusCode"/> with Vault's JSON error shape (no messages: <c>{"errors":[]}</c>).</summary>
    public static VaultFault Status(int statusCode, params string[] errors)
    {
        var array = new JsonArray([.. errors.Select(e => (JsonNode?)e)]);
        return new VaultFault(VaultFaultKind.Respond)
        {
            StatusCode = statusCode,
            Body = new JsonObject { ["errors"] = array }.ToJsonString() + "\n",
            ContentType = "application/json",
        };
    }

    /// <summary>Answers like a proxy in front of Vault: an HTML page (e.g. a 502 Bad Gateway).</summary>
    public static VaultFault Html(int statusCode, string? html = null) => new(VaultFaultKind.Respond)
    {
        StatusCode = statusCode,
        Body = html ?? $"<html><head><title>{statusCode} Error</title></head><body><center><h1>{statusCode} Error</h1></center><hr><center>nginx</center></body></html>\n",
        ContentType = "text/html",
    };

    /// <summary>Answers with an arbitrary status, body and content type.</summary>
    public static VaultFault Raw(int statusCode, string? body, string? contentType = "application/json") =>
        new(VaultFaultKind.Respond) { StatusCode = statusCode, Body = body, ContentType = contentType };

    /// <summary>A redirect (default 307) to <paramref name="location"/>, with an empty body.</summary>
    public static VaultFault Redirect(string location, int statusCode = 307) =>
        new VaultFault(VaultFaultKind.Respond) { StatusCode = statusCode }.WithHeader("Location", location);

    /// <summary>What a sealed Vault answers (without sealing the double: health keeps saying unsealed).</summary>
    public static VaultFault Sealed() => Status(503, "Vault is sealed");

    /// <summary>Resets the connection before the request is processed: nothing changes, the client sees a reset.</summary>
    public static VaultFault ResetConnection() => new(VaultFaultKind.Reset);

    /// <summary>Processes the request (the state change is committed), then resets instead of answering.</summary>
    public static VaultFault LoseResponse() => new(VaultFaultKind.LoseResponse);

    /// <summary>Processes the request, sends the headers and part of the body, then resets.</summary>
    public static VaultFault TruncateResponse() => new(VaultFaultKind.Truncate);

    /// <summary>Delays the request on the double's TimeProvider (advance a FakeTimeProvider to release it), then processes it.</summary>
    public static VaultFault Delay(TimeSpan delay) => new(VaultFaultKind.Delay) { Duration = delay };

    /// <summary>Never answers: the request ends when the client cancels or the double stops.</summary>
    public static VaultFault Hang() => new(VaultFaultKind.Hang);

    /// <summary>Runs <paramref name="action"/> (e.g. an out-of-band KV write) just before the request is processed.</summary>
    public static VaultFault Before(Action<VaultDouble> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return new VaultFault(VaultFaultKind.Before) { Action = action };
    }

    /// <summary>Adds a response header, e.g. Retry-After on a 429 (a copy; this fault is unchanged).</summary>
    public VaultFault WithHeader(string name, string value)
    {
        var copy = new VaultFault(Kind) { StatusCode = StatusCode, Body = Body, ContentType = ContentType, Duration = Duration, Action = Action };
        foreach (var (key, existing) in _headers)
        {
            copy._headers[key] = existing;
        }

        copy._headers[name] = value;
        return copy;
    }

    /// <summary>Adds <c>Retry-After: &lt;seconds&gt;</c>.</summary>
    public VaultFault WithRetryAfter(TimeSpan delay) =>
        WithHeader("Retry-After", ((long)delay.TotalSeconds).ToString(CultureInfo.InvariantCulture));

    internal VaultResponse ToResponse()
    {
        var response = VaultResponse.Text(StatusCode, Body, Body is null ? null : ContentType);
        foreach (var (name, value) in _headers)
        {
            response.Headers[name] = value;
        }

        return response;
    }
}

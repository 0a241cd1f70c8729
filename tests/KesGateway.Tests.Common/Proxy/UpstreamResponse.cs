using System.Text;

namespace KesGateway.Tests.Common.Proxy;

/// <summary>What <see cref="KesUpstreamDouble"/> answers.</summary>
/// <param name="Status">The status code.</param>
/// <param name="ContentType">The Content-Type, or <see langword="null"/> for none.</param>
/// <param name="Body">The body.</param>
/// <param name="Headers">Extra response headers.</param>
public sealed record UpstreamResponse(int Status, string? ContentType, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>200 with no body, as KES answers create, import, delete and ready.</summary>
    public static UpstreamResponse Empty { get; } = new(200, null, []);

    /// <summary>No answer: the connection is reset after the request was read, as when an upstream dies mid-call.</summary>
    public static UpstreamResponse Abort { get; } = new(-1, null, []);

    /// <summary>A JSON answer followed by a newline, as Go's encoder writes it.</summary>
    public static UpstreamResponse Json(int status, string json, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, "application/json", Encoding.UTF8.GetBytes(json + "\n"), headers);

    /// <summary>A KES error: <c>{"message":"…"}</c>.</summary>
    public static UpstreamResponse Error(int status, string message) =>
        Json(status, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }));
}

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KesGateway.Core.Keystore.Vault;

/// <summary>
/// A Vault answer read in full (bounded) and parsed once: status, the JSON envelope if the body is one, and Vault's
/// <c>errors</c> and <c>warnings</c>. Disposing it clears the body, which may hold key material.
/// </summary>
internal sealed class VaultResponse : IDisposable
{
    private const int RawMessageLimit = 1024;

    private readonly byte[] _body;
    private readonly JsonDocument? _json;

    /// <summary>Wraps an answer; <paramref name="body"/> is owned (and cleared) by the response.</summary>
    public VaultResponse(string method, Uri url, string? @namespace, HttpStatusCode status, string? reasonPhrase, byte[] body)
    {
        Method = method;
        Url = url;
        Namespace = @namespace;
        StatusCode = (int)status;
        ReasonPhrase = string.IsNullOrEmpty(reasonPhrase) ? DefaultReason(status) : reasonPhrase;
        _body = body;
        if (body.Length > 0)
        {
            try
            {
                _json = JsonDocument.Parse(body.AsMemory());
            }
            catch (JsonException)
            {
                _json = null;
            }
        }

        if (_json?.RootElement.ValueKind == JsonValueKind.Object)
        {
            Envelope = _json.RootElement;
            Errors = Strings(Envelope.Value, "errors");
            Warnings = Strings(Envelope.Value, "warnings");
        }
    }

    /// <summary>Gets the request method.</summary>
    public string Method { get; }

    /// <summary>Gets the URL that answered (after a redirect, the target).</summary>
    public Uri Url { get; }

    /// <summary>Gets the namespace header the request carried, or <see langword="null"/>.</summary>
    public string? Namespace { get; }

    /// <summary>Gets the HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the reason phrase, e.g. <c>No Content</c>.</summary>
    public string ReasonPhrase { get; }

    /// <summary>Gets whether the body is empty.</summary>
    public bool IsEmpty => _body.Length == 0;

    /// <summary>Gets the body's JSON object, or <see langword="null"/> when the body is empty or not a JSON object.</summary>
    public JsonElement? Envelope { get; }

    /// <summary>Gets Vault's <c>errors</c>; empty when there are none.</summary>
    public IReadOnlyList<string> Errors { get; } = [];

    /// <summary>Gets Vault's <c>warnings</c>; empty when there are none.</summary>
    public IReadOnlyList<string> Warnings { get; } = [];

    /// <summary>Gets whether the status is 2xx.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>Gets <c>data</c> when it is a JSON object with at least one member (the Go SDK's "secret has data").</summary>
    public JsonElement? Data =>
        Envelope is { } envelope && envelope.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && data.EnumerateObject().Any() ? data : null;

    /// <summary>Gets the status as Go prints it, e.g. <c>204 No Content</c>.</summary>
    public string Status => $"{StatusCode.ToString(CultureInfo.InvariantCulture)} {ReasonPhrase}";

    /// <summary>Gets whether any of Vault's errors contains <paramref name="text"/> (case-insensitive).</summary>
    public bool ErrorsContain(string text) => Errors.Any(e => e.Contains(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Describes a failed answer as Vault's Go SDK does (<c>Error making API request.</c> … <c>Code: 403. Errors:</c> …),
    /// so messages read like KES's; a body that is not JSON is quoted (shortened) as the raw message.
    /// </summary>
    public string Describe()
    {
        var text = new StringBuilder("Error making API request.\n\n");
        if (!string.IsNullOrEmpty(Namespace))
        {
            text.Append("Namespace: ").Append(Namespace).Append('\n');
        }

        text.Append("URL: ").Append(Method).Append(' ').Append(Url.AbsoluteUri).Append('\n');
        text.Append("Code: ").Append(StatusCode.ToString(CultureInfo.InvariantCulture)).Append(". ");
        if (Envelope is null && _body.Length > 0)
        {
            var raw = Encoding.UTF8.GetString(_body, 0, Math.Min(_body.Length, RawMessageLimit));
            text.Append("Raw Message:\n\n").Append(raw);
            if (_body.Length > RawMessageLimit)
            {
                text.Append('…');
            }

            return text.ToString();
        }

        text.Append("Errors:\n\n");
        foreach (var error in Errors)
        {
            text.Append("* ").Append(error);
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _json?.Dispose();
        CryptographicOperations.ZeroMemory(_body);
    }

    private static string[] Strings(JsonElement envelope, string name) =>
        envelope.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())]
            : [];

    private static string DefaultReason(HttpStatusCode status) => status switch
    {
        HttpStatusCode.OK => "OK",
        HttpStatusCode.NoContent => "No Content",
        _ => Enum.IsDefined(status) ? SplitWords(status.ToString()) : "status code " + ((int)status).ToString(CultureInfo.InvariantCulture),
    };

    private static string SplitWords(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(c);
        }

        return text.ToString();
    }
}

using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>A response of the Vault double: status, raw text and the parsed JSON.</summary>
internal sealed record VaultAnswer(int Status, string Text, HttpResponseHeaders Headers, string? ContentType)
{
    public JsonNode? Json => Text.Length == 0 ? null : JsonNode.Parse(Text);

    public JsonNode? Data => Json?["data"];

    /// <summary>Gets the errors array as strings (empty when absent).</summary>
    public IReadOnlyList<string> Errors => Json?["errors"]?.AsArray().Select(e => e!.GetValue<string>()).ToList() ?? [];

    public IReadOnlyList<string> Warnings => Json?["warnings"] is JsonArray warnings ? [.. warnings.Select(w => w!.GetValue<string>())] : [];

    public IReadOnlyList<string> Keys => Data?["keys"]?.AsArray().Select(k => k!.GetValue<string>()).ToList() ?? [];

    public override string ToString() => $"{Status} {Text}";
}

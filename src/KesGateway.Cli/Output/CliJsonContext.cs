using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KesGateway.Cli.Output;

/// <summary>Source-generated JSON for everything the CLI prints as JSON.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IdentityNewResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Gets a context whose encoder leaves '+' (frequent in API keys) unescaped; the default encoder writes
    /// <c>\u002B</c>, valid JSON but unreadable and unlike Go's output.
    /// </summary>
    public static CliJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

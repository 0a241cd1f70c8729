using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Output;

/// <summary>
/// Source-generated JSON for everything the CLI prints as JSON. Server answers are printed in the KES wire format
/// (the protocol records, Go's base64 and time formats), as kes prints what the SDK decoded.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(GoBase64Converter), typeof(GoTimeConverter)])]
[JsonSerializable(typeof(IdentityNewResult))]
[JsonSerializable(typeof(IdentityInfoResult))]
[JsonSerializable(typeof(MetricResult))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(IReadOnlyList<ApiRouteResponse>))]
[JsonSerializable(typeof(DescribeKeyResponse))]
[JsonSerializable(typeof(GenerateKeyResponse))]
[JsonSerializable(typeof(EncryptKeyResponse))]
[JsonSerializable(typeof(DecryptKeyResponse))]
[JsonSerializable(typeof(HmacResponse))]
[JsonSerializable(typeof(DescribePolicyResponse))]
[JsonSerializable(typeof(ReadPolicyResponse))]
[JsonSerializable(typeof(AuditEvent))]
[JsonSerializable(typeof(ErrorEvent))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Gets a context whose encoder leaves '+' (frequent in API keys and base64) unescaped; the default encoder writes
    /// <c>\u002B</c>, valid JSON but unreadable and unlike Go's output.
    /// </summary>
    public static CliJsonContext Relaxed { get; } = new(CreateOptions(indented: false));

    /// <summary>Gets <see cref="Relaxed"/> with indentation, for <c>--json</c> on a terminal where kes indents.</summary>
    public static CliJsonContext RelaxedIndented { get; } = new(CreateOptions(indented: true));

    private static JsonSerializerOptions CreateOptions(bool indented) => new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new GoBase64Converter(), new GoTimeConverter() },
        WriteIndented = indented,
    };
}

using System.Text.Json.Serialization;

namespace KesGateway.Core.Protocol;

/// <summary>Source-generated JSON for every KES message, with Go's reading rules (case-insensitive names, strict base64).</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    Converters = [typeof(GoBase64Converter), typeof(GoTimeConverter)])]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(IReadOnlyList<ApiRouteResponse>))]
[JsonSerializable(typeof(ImportKeyRequest))]
[JsonSerializable(typeof(DescribeKeyResponse))]
[JsonSerializable(typeof(ListKeysResponse))]
[JsonSerializable(typeof(GenerateKeyRequest))]
[JsonSerializable(typeof(GenerateKeyResponse))]
[JsonSerializable(typeof(EncryptKeyRequest))]
[JsonSerializable(typeof(EncryptKeyResponse))]
[JsonSerializable(typeof(DecryptKeyRequest))]
[JsonSerializable(typeof(DecryptKeyResponse))]
[JsonSerializable(typeof(IReadOnlyList<DecryptKeyRequest>))]
[JsonSerializable(typeof(IReadOnlyList<DecryptKeyResponse>))]
[JsonSerializable(typeof(HmacRequest))]
[JsonSerializable(typeof(HmacResponse))]
[JsonSerializable(typeof(DescribePolicyResponse))]
[JsonSerializable(typeof(ReadPolicyResponse))]
[JsonSerializable(typeof(ListPoliciesResponse))]
[JsonSerializable(typeof(DescribeIdentityResponse))]
[JsonSerializable(typeof(ListIdentitiesResponse))]
[JsonSerializable(typeof(SelfDescribeResponse))]
[JsonSerializable(typeof(AuditEvent))]
[JsonSerializable(typeof(ErrorEvent))]
public sealed partial class KesJsonContext : JsonSerializerContext;

using System.Text.Json;

namespace KesGateway.Tests.Common;

/// <summary>
/// The entries of identities.json, read at test time. Every field of every entry must be one this loader knows:
/// a new kind of entry fails loudly instead of being skipped.
/// </summary>
public static class IdentityVectors
{
    private static readonly Lazy<Loaded> LoadedVectors = new(Load);

    public static string FilePath => Path.Combine(TestPaths.Vectors, "identities.json");

    public static IReadOnlyList<ApiKeyIdentityVector> ApiKeyIdentities => LoadedVectors.Value.ApiKeyIdentities;

    public static IReadOnlyList<ApiKeyParsingVector> ApiKeyParsing => LoadedVectors.Value.ApiKeyParsing;

    public static IReadOnlyList<CertificateIdentityVector> CertificateIdentities => LoadedVectors.Value.CertificateIdentities;

    private static Loaded Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FilePath));
        var root = document.RootElement;
        RequireOnly(root, "identities.json", ["description", "api_key_identities", "api_key_parsing", "certificate_identities"]);

        var apiKeyIdentities = root.GetProperty("api_key_identities").EnumerateArray().Select((entry, i) =>
        {
            var where = $"api_key_identities[{i}]";
            RequireOnly(entry, where, ["api_key", "expected_identity", "source", "derived"]);
            var derived = entry.GetProperty("derived");
            RequireOnly(derived, where + ".derived",
                ["note", "type_byte", "ed25519_seed_hex", "ed25519_public_key_hex", "spki_der_hex"]);
            return new ApiKeyIdentityVector(
                Text(entry, "api_key", where),
                Text(entry, "expected_identity", where),
                derived.GetProperty("type_byte").GetInt32(),
                Text(derived, "ed25519_seed_hex", where),
                Text(derived, "ed25519_public_key_hex", where),
                Text(derived, "spki_der_hex", where));
        }).ToList();

        var apiKeyParsing = root.GetProperty("api_key_parsing").EnumerateArray().Select((entry, i) =>
        {
            var where = $"api_key_parsing[{i}]";
            RequireOnly(entry, where, ["input", "expect", "canonical_string", "why", "source"]);
            var expect = Text(entry, "expect", where);
            return expect switch
            {
                "ok" => new ApiKeyParsingVector(Text(entry, "input", where), true, Text(entry, "canonical_string", where)),
                "error" => new ApiKeyParsingVector(Text(entry, "input", where), false, null),
                _ => throw new InvalidDataException($"{FilePath}: {where}.expect '{expect}' is not handled"),
            };
        }).ToList();

        var certificateIdentities = root.GetProperty("certificate_identities").EnumerateArray().Select((entry, i) =>
        {
            var where = $"certificate_identities[{i}]";
            RequireOnly(entry, where,
                ["name", "source", "certificate_pem", "private_key_pem", "expected_identity", "spki_der_hex", "note"]);
            return new CertificateIdentityVector(
                Text(entry, "name", where),
                Text(entry, "certificate_pem", where),
                entry.TryGetProperty("private_key_pem", out var key) ? key.GetString() : null,
                Text(entry, "expected_identity", where),
                Text(entry, "spki_der_hex", where));
        }).ToList();

        if (apiKeyIdentities.Count == 0 || apiKeyParsing.Count == 0 || certificateIdentities.Count == 0)
        {
            throw new InvalidDataException($"{FilePath}: a section is empty");
        }

        return new Loaded(apiKeyIdentities, apiKeyParsing, certificateIdentities);
    }

    private static void RequireOnly(JsonElement element, string where, string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{FilePath}: {where} is a {element.ValueKind}, expected an object");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                throw new InvalidDataException($"{FilePath}: {where} has field '{property.Name}' that the tests do not handle");
            }
        }
    }

    private static string Text(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"{FilePath}: {where} lacks string field '{name}'");

    private sealed record Loaded(
        IReadOnlyList<ApiKeyIdentityVector> ApiKeyIdentities,
        IReadOnlyList<ApiKeyParsingVector> ApiKeyParsing,
        IReadOnlyList<CertificateIdentityVector> CertificateIdentities);
}

public sealed record ApiKeyIdentityVector(
    string ApiKey,
    string ExpectedIdentity,
    int TypeByte,
    string SeedHex,
    string PublicKeyHex,
    string SpkiHex);

public sealed record ApiKeyParsingVector(string Input, bool ExpectOk, string? CanonicalString);

public sealed record CertificateIdentityVector(
    string Name,
    string CertificatePem,
    string? PrivateKeyPem,
    string ExpectedIdentity,
    string SpkiHex);

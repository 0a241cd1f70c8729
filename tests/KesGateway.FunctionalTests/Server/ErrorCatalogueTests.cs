using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using KesGateway.Core.Keystore;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Server;

/// <summary>Every error of vectors/errors.json that a client can provoke, provoked over TLS and compared byte for byte.</summary>
public sealed class ErrorCatalogueTests
{
    /// <summary>Errors no request can provoke from this server, and why; a new vector must land in one of the two tables.</summary>
    private static readonly ImmutableDictionary<string, string> NotApplicable = new Dictionary<string, string>
    {
        ["400 insecure connection: TLS is required"] = "the server only speaks TLS",
        ["500 routing error: request '<path>' handled by route '<route>'"] = "internal inconsistency of KES's router",
        ["500 failed to set timeout on route '<route>'"] = "KES fails to set a socket deadline; we cancel on a timer",
        ["406 algorithm 'ChaCha20' not supported by FIPS 140-2"] = "no FIPS build",
        ["500 failed to generate encryption key"] = "only when the OS random generator fails",
        ["500 failed to create key"] = "only when the OS random generator fails during import",
        ["500 failed to encrypt plaintext"] = "only for ChaCha20 keys on FIPS builds",
        ["500 failed to decrypt ciphertext"] = "only for ChaCha20 keys on FIPS builds",
        ["500 failed to read server version"] = "the version is compiled in",
        ["400 tls: received more than one client certificate"] = "needs a client that sends two leaves; see the client chain tests",
    }.ToImmutableDictionary();

    public static TheoryData<int, string, string> Vectors()
    {
        var data = new TheoryData<int, string, string>();
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, "errors.json")));
        foreach (var entry in doc.RootElement.GetProperty("errors").EnumerateArray())
        {
            data.Add(entry.GetProperty("status").GetInt32(), entry.GetProperty("message").GetString()!, entry.TryGetProperty("exact_body", out var body) ? body.GetString() ?? "" : "");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Error_Provoked_MatchesTheVector(int status, string message, string exactBody)
    {
        if (NotApplicable.TryGetValue($"{status} {message}", out var reason))
        {
            Assert.Skip("not applicable: " + reason);
        }

        using var admin = TestCertificates.CreateClient("CN=admin");
        using var stranger = TestCertificates.CreateClient("CN=stranger");
        var store = new FaultyKeyStore();
        store.Overrides["legacy"] = "{\"bytes\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}"u8.ToArray();
        var config = TestServer.Config(TestServer.IdentityOf(admin)) with
        {
            Api = new Dictionary<string, ApiRouteConfig> { ["/v1/metrics"] = new(SkipAuth: true, Timeout: null) }.ToImmutableDictionary(),
        };
        await using var server = await TestServer.StartAsync(config, store);
        using var http = server.CreateClient(admin);
        (await http.PostJsonAsync("/v1/key/create/k", null)).Dispose();

        using var response = await ProvokeAsync(server, http, store, stranger, status, message);

        Assert.Equal(status, (int)response.StatusCode);
        var body = await response.BodyAsync();
        if (status == 301)
        {
            Assert.NotNull(response.Headers.Location);
            return;
        }

        Assert.Equal(exactBody, body);
        Assert.Equal(status == 404 && message.StartsWith("404", StringComparison.Ordinal) ? "text/plain; charset=utf-8" : "application/json",
            response.Content.Headers.ContentType!.ToString());
    }

    private static async Task<HttpResponseMessage> ProvokeAsync(TestServer server, HttpClient http, FaultyKeyStore store, X509Certificate2 stranger, int status, string message)
    {
        switch ((status, message))
        {
            case (403, _):
                return await server.CreateClient(stranger).PostJsonAsync("/v1/key/generate/k", null);
            case (404, "key does not exist"):
                return await http.PostJsonAsync("/v1/key/generate/missing", null);
            case (400, "key already exists"):
                return await http.PostJsonAsync("/v1/key/create/k", null);
            case (404, "policy does not exist"):
                return await http.GetPathAsync("/v1/policy/describe/missing");
            case (404, "identity does not exist"):
                return await http.GetPathAsync("/v1/identity/describe/" + new string('b', 64));
            case (400, "decryption failed: ciphertext is not authentic"):
                return await http.PostJsonAsync("/v1/key/decrypt/k", new { ciphertext = Convert.ToBase64String(new byte[60]) });
            case (400, "tls: client certificate is required"):
                return await server.CreateClient(certificate: null).PostJsonAsync("/v1/key/create/x", null);
            case (405, _):
                return await http.GetPathAsync("/v1/key/create/k");
            case (400, _) when message.StartsWith("key name ", StringComparison.Ordinal):
                return await http.PostJsonAsync("/v1/key/create/my.key", null);
            case (400, _) when message.StartsWith("policy name ", StringComparison.Ordinal):
                return await http.GetPathAsync("/v1/policy/describe/x.y");
            case (400, _) when message.StartsWith("identity ", StringComparison.Ordinal):
                return await http.GetPathAsync("/v1/identity/describe/x.y");
            case (400, _) when message.StartsWith("listing pattern ", StringComparison.Ordinal):
                return await http.GetPathAsync("/v1/key/list/a*b");
            case (400, "invalid request body"):
                return await http.PostRawAsync("/v1/key/encrypt/k", "{\"plaintext\":\"%%%\"}");
            case (400, "invalid import key request body"):
                return await http.PostRawAsync("/v1/key/import/new", "[");
            case (406, "algorithm 'FOO' is not supported"):
                return await http.PostJsonAsync("/v1/key/import/new", new { key = Convert.ToBase64String(new byte[32]), cipher = "FOO" });
            case (406, "invalid key size for 'AES256'"):
                return await http.PostJsonAsync("/v1/key/import/new", new { key = Convert.ToBase64String(new byte[16]), cipher = "AES256" });
            case (409, _):
                return await http.PostJsonAsync("/v1/key/hmac/legacy", new { message = "AA==" });
            case (502, "failed to create key"):
                store.Fault = new KeyStoreException("broken");
                return await http.PostJsonAsync("/v1/key/create/new", null);
            case (502, "failed to read key"):
                store.Fault = new KeyStoreException("broken");
                return await http.PostJsonAsync("/v1/key/generate/k", null);
            case (502, "failed to delete key"):
                store.Fault = new KeyStoreException("broken");
                return await http.DeletePathAsync("/v1/key/delete/k");
            case (502, "failed to list keys"):
                store.Fault = new KeyStoreException("broken");
                return await http.GetPathAsync("/v1/key/list/*");
            case (502, "key store is unavailable"):
                store.Fault = new KeyStoreException("broken");
                return await http.GetPathAsync("/v1/ready");
            case (504, _):
                store.Fault = new KeyStoreUnreachableException("down");
                return await http.GetPathAsync("/v1/ready");
            case (404, _) when message.StartsWith("404", StringComparison.Ordinal):
                return await http.GetPathAsync("/v1/unknown");
            case (301, _):
                return await http.GetPathAsync("/v1/key/list");
            default:
                Assert.Fail($"errors.json has an error this test does not provoke and does not list as not applicable: {status} '{message}'");
                throw new InvalidOperationException();
        }
    }
}

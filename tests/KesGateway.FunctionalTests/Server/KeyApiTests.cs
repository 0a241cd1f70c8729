using System.Net;
using KesGateway.Core.Crypto;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Server;

/// <summary>The key API end to end over TLS, as the admin.</summary>
public sealed class KeyApiTests : IAsyncLifetime
{
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _admin = TestCertificates.CreateClient("CN=admin");
    private readonly FaultyKeyStore _store = new();
    private TestServer? _server;
    private HttpClient? _http;

    private HttpClient Http => _http!;

    public async ValueTask InitializeAsync()
    {
        _server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(_admin)), _store);
        _http = _server.CreateClient(_admin);
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _admin.Dispose();
    }

    [Fact]
    public async Task Create_Twice_SecondIs400KeyExists()
    {
        using var first = await Http.PostJsonAsync("/v1/key/create/k1", null);
        using var second = await Http.PostJsonAsync("/v1/key/create/k1", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(0, first.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("{\"message\":\"key already exists\"\n}", await second.BodyAsync());
    }

    [Fact]
    public async Task Create_PutAndPost_BothWork()
    {
        using var put = await Http.PutAsync(new Uri("/v1/key/create/via-put", UriKind.Relative), null, TestContext.Current.CancellationToken);
        using var post = await Http.PostJsonAsync("/v1/key/create/via-post", null);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task Create_StoresAProtobufKeyVersionCreatedByTheCaller()
    {
        (await Http.PostJsonAsync("/v1/key/create/k1", null)).Dispose();

        var stored = await _store.GetAsync("k1", TestContext.Current.CancellationToken);

        using var key = KeyVersion.Parse(stored!);
        Assert.NotNull(key.HmacKey);
        Assert.Equal(TestServer.IdentityOf(_admin), key.CreatedBy);
    }

    [Fact]
    public async Task Import_ThenDescribe_ReportsTypeAndCreator()
    {
        using var import = await Http.PostJsonAsync("/v1/key/import/imported", new { key = Convert.ToBase64String(new byte[32]), cipher = "ChaCha20" });
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);

        var describe = await (await Http.GetPathAsync("/v1/key/describe/imported")).JsonAsync();

        Assert.Equal("imported", describe.GetProperty("name").GetString());
        Assert.Equal("ChaCha20", describe.GetProperty("algorithm").GetString());
        Assert.Equal(TestServer.IdentityOf(_admin), describe.GetProperty("created_by").GetString());
    }

    [Theory]
    [InlineData("{\"key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"cipher\":\"FOO\"}", 406, "algorithm 'FOO' is not supported")]
    [InlineData("{\"key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}", 406, "algorithm '' is not supported")]
    [InlineData("{\"key\":\"AAAA\",\"cipher\":\"AES256\"}", 406, "invalid key size for 'AES256'")]
    [InlineData("{\"key\":\"not base64!\",\"cipher\":\"AES256\"}", 400, "invalid import key request body")]
    [InlineData("{\"key\":", 400, "invalid import key request body")]
    public async Task Import_BadBody_AnswersKesError(string body, int status, string message)
    {
        using var response = await Http.PostRawAsync("/v1/key/import/k", body);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal($"{{\"message\":\"{message}\"\n}}", await response.BodyAsync());
    }

    [Fact]
    public async Task Import_LegacyJsonKeyWrittenByOldKes_DecryptsItsCiphertexts_AndHmacIs409()
    {
        // A key as KES v0.1–v0.19.1 stored it, and a JSON ciphertext as those versions wrote it (decrypt.json #0).
        _store.Overrides["legacy"] = "{\"bytes\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}"u8.ToArray();
        const string Ciphertext = "{\"aead\":\"AES-256-GCM-HMAC-SHA-256\",\"iv\":\"xLxIN3tSCkg2xMafuvwUwg==\",\"nonce\":\"gu0mGwUkwcvMEoi5\",\"bytes\":\"WVgRjeIJm3w50C/l+y7y2i6mbNg5NCAqN1zvOYWZKmc=\"}";

        var decrypted = await (await Http.PostJsonAsync("/v1/key/decrypt/legacy", new { ciphertext = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Ciphertext)) })).JsonAsync();
        using var hmac = await Http.PutAsync(new Uri("/v1/key/hmac/legacy", UriKind.Relative), new StringContent("{\"message\":\"AA==\"}"), TestContext.Current.CancellationToken);
        var describe = await (await Http.GetPathAsync("/v1/key/describe/legacy")).JsonAsync();

        Assert.Equal("AAAAAAAAAAAAAAAAAAAAAA==", decrypted.GetProperty("plaintext").GetString());
        Assert.Equal(HttpStatusCode.Conflict, hmac.StatusCode);
        Assert.Equal("{\"message\":\"key does not support HMAC\"\n}", await hmac.BodyAsync());
        Assert.Equal("0001-01-01T00:00:00Z", describe.GetProperty("created_at").GetString());
        Assert.False(describe.TryGetProperty("created_by", out _));
    }

    [Fact]
    public async Task EncryptDecrypt_WithContext_RoundTrips_AndWrongContextFails()
    {
        (await Http.PostJsonAsync("/v1/key/create/k", null)).Dispose();
        var plaintext = Convert.ToBase64String("hello, KES"u8);

        var encrypted = await (await Http.PostJsonAsync("/v1/key/encrypt/k", new { plaintext, context = "YQ==" })).JsonAsync();
        var ciphertext = encrypted.GetProperty("ciphertext").GetString();
        var decrypted = await (await Http.PostJsonAsync("/v1/key/decrypt/k", new { ciphertext, context = "YQ==" })).JsonAsync();
        using var wrong = await Http.PostJsonAsync("/v1/key/decrypt/k", new { ciphertext, context = "Yg==" });

        Assert.Equal(10 + 44, Convert.FromBase64String(ciphertext!).Length);
        Assert.Equal(plaintext, decrypted.GetProperty("plaintext").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
    }

    [Fact]
    public async Task Generate_EmptyBodyOrEmptyObject_BothWork()
    {
        (await Http.PostJsonAsync("/v1/key/create/k", null)).Dispose();

        using var none = await Http.PostJsonAsync("/v1/key/generate/k", null);
        using var empty = await Http.PostRawAsync("/v1/key/generate/k", "{}");
        using var trailing = await Http.PostRawAsync("/v1/key/generate/k", "{\"context\":\"\"} trailing bytes are ignored as Go does");

        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(HttpStatusCode.OK, trailing.StatusCode);
    }

    [Fact]
    public async Task Hmac_SameMessage_SameMac()
    {
        (await Http.PostJsonAsync("/v1/key/create/k", null)).Dispose();

        var a = await (await Http.PostJsonAsync("/v1/key/hmac/k", new { message = "cm9vdCBhY2Nlc3Mga2V5" })).JsonAsync();
        var b = await (await Http.PostJsonAsync("/v1/key/hmac/k", new { message = "cm9vdCBhY2Nlc3Mga2V5" })).JsonAsync();

        Assert.Equal(32, Convert.FromBase64String(a.GetProperty("hmac").GetString()!).Length);
        Assert.Equal(a.GetProperty("hmac").GetString(), b.GetProperty("hmac").GetString());
    }

    [Fact]
    public async Task BulkDecrypt_Legacy_DecryptsInOrder()
    {
        (await Http.PostJsonAsync("/v1/key/create/k", null)).Dispose();
        var one = await (await Http.PostJsonAsync("/v1/key/generate/k", new { context = "MQ==" })).JsonAsync();
        var two = await (await Http.PostJsonAsync("/v1/key/generate/k", null)).JsonAsync();

        var bulk = await (await Http.PostJsonAsync("/v1/key/bulk/decrypt/k", new object[]
        {
            new { ciphertext = one.GetProperty("ciphertext").GetString(), context = "MQ==" },
            new { ciphertext = two.GetProperty("ciphertext").GetString() },
        })).JsonAsync();

        Assert.Equal(one.GetProperty("plaintext").GetString(), bulk[0].GetProperty("plaintext").GetString());
        Assert.Equal(two.GetProperty("plaintext").GetString(), bulk[1].GetProperty("plaintext").GetString());
    }

    [Fact]
    public async Task BulkDecrypt_MoreThan1000_Is400()
    {
        (await Http.PostJsonAsync("/v1/key/create/k", null)).Dispose();

        using var response = await Http.PostRawAsync("/v1/key/bulk/decrypt/k", "[" + string.Join(',', Enumerable.Repeat("{}", 1001)) + "]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"message\":\"too many ciphertexts\"\n}", await response.BodyAsync());
    }

    [Fact]
    public async Task List_PrefixPatternAndAll_ReturnSortedNames()
    {
        foreach (var name in new[] { "my-b", "my-a", "other" })
        {
            (await Http.PostJsonAsync($"/v1/key/create/{name}", null)).Dispose();
        }

        var all = await (await Http.GetPathAsync("/v1/key/list/*")).JsonAsync();
        var empty = await (await Http.GetPathAsync("/v1/key/list/")).JsonAsync();
        var prefix = await (await Http.GetPathAsync("/v1/key/list/my-*")).JsonAsync();
        var none = await (await Http.GetPathAsync("/v1/key/list/zzz")).JsonAsync();

        Assert.Equal(["my-a", "my-b", "other"], all.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, empty.GetProperty("names").GetArrayLength());
        Assert.Equal(["my-a", "my-b"], prefix.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, none.GetProperty("names").GetArrayLength());
        Assert.False(all.TryGetProperty("continue_at", out _));
    }

    [Fact]
    public async Task Delete_ThenUse_Is404()
    {
        (await Http.PostJsonAsync("/v1/key/create/k", null)).Dispose();

        using var deleted = await Http.DeletePathAsync("/v1/key/delete/k");
        using var again = await Http.DeletePathAsync("/v1/key/delete/k");
        using var generate = await Http.PostJsonAsync("/v1/key/generate/k", null);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("{\"message\":\"key does not exist\"\n}", await generate.BodyAsync());
    }

    [Theory]
    [InlineData("/v1/key/create/a%2Fb", "a/b")]
    [InlineData("/v1/key/create/my.key", "my.key")]
    [InlineData("/v1/key/create/-lead", "-lead")]
    public async Task Create_InvalidName_Is400NamingIt(string path, string shown)
    {
        using var response = await Http.PostJsonAsync(path, null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($"{{\"message\":\"key name '{shown}' is empty, too long or contains invalid characters\"\n}}", await response.BodyAsync());
    }

    [Theory]
    [InlineData("/v1/key/generate/bad.name")]
    [InlineData("/v1/key/decrypt/bad.name")]
    [InlineData("/v1/key/hmac/bad.name")]
    public async Task InvalidNameAndInvalidBody_NameIsReportedFirst_AsKesDoes(string path)
    {
        using var response = await Http.PostRawAsync(path, "not json");

        Assert.Equal("{\"message\":\"key name 'bad.name' is empty, too long or contains invalid characters\"\n}", await response.BodyAsync());
    }

    [Fact]
    public async Task Create_NameOf300Characters_Is400()
    {
        using var response = await Http.PostJsonAsync("/v1/key/create/" + new string('a', 300), null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/key/create//x")]
    public async Task Create_UncleanPath_IsRedirectedToTheCleanPath(string path)
    {
        using var response = await Http.PostJsonAsync(path, null);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/v1/key/create/x", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Create_NulInName_Is400_AndServerKeepsServing()
    {
        using var nul = await Http.PostJsonAsync("/v1/key/create/a%00b", null);
        using var good = await Http.PostJsonAsync("/v1/key/create/ab", null);

        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Theory]
    [InlineData("{\"ciphertext\":\"@@@\"}")]
    [InlineData("{\"ciphertext\":\"AAAA\r\n\"")]
    [InlineData("not json")]
    [InlineData("{\"ciphertext\":\"AAA\"}")]
    [InlineData("{\"ciphertext\":\"AAAA-_\"}")]
    public async Task Decrypt_MalformedBody_Is400InvalidBody_AndServerKeepsServing(string body)
    {
        (await Http.PostJsonAsync("/v1/key/create/k", null)).Dispose();

        using var bad = await Http.PostRawAsync("/v1/key/decrypt/k", body);
        using var good = await Http.PostJsonAsync("/v1/key/generate/k", null);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("{\"message\":\"invalid request body\"\n}", await bad.BodyAsync());
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Encrypt_BodyOverOneMegabyte_Is400InvalidBody()
    {
        (await Http.PostJsonAsync("/v1/key/create/k", null)).Dispose();
        var body = "{\"plaintext\":\"" + new string('A', 1_000_000) + "\"}";

        using var response = await Http.PostRawAsync("/v1/key/encrypt/k", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"message\":\"invalid request body\"\n}", await response.BodyAsync());
    }

    [Fact]
    public async Task Decrypt_GoStyleBase64WithLineBreaks_IsAccepted()
    {
        (await Http.PostJsonAsync("/v1/key/create/k", null)).Dispose();
        var generated = await (await Http.PostJsonAsync("/v1/key/generate/k", null)).JsonAsync();
        var ciphertext = generated.GetProperty("ciphertext").GetString()!;
        var wrapped = ciphertext[..40] + "\\r\\n" + ciphertext[40..];

        using var response = await Http.PostRawAsync("/v1/key/decrypt/k", $"{{\"Ciphertext\":\"{wrapped}\"}}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

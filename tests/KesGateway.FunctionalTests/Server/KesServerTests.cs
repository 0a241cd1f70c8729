using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Server;

public sealed class KesServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Version_NoPolicyNeeded_AnswersVersion()
    {
        using var client = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config("disabled"));
        using var http = server.CreateClient(client);

        using var response = await http.GetAsync(new Uri("/version", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task GenerateThenDecrypt_Admin_RoundTripsTheDataKey()
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));
        using var http = server.CreateClient(admin);

        using (var create = await http.PostAsync(new Uri("/v1/key/create/my-key", UriKind.Relative), null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        }

        using var generate = await http.PostAsync(new Uri("/v1/key/generate/my-key", UriKind.Relative), JsonContent.Create(new { context = "Y3R4" }), Ct);
        Assert.Equal(HttpStatusCode.OK, generate.StatusCode);
        using var dek = JsonDocument.Parse(await generate.Content.ReadAsStringAsync(Ct));
        var plaintext = dek.RootElement.GetProperty("plaintext").GetString();
        var ciphertext = dek.RootElement.GetProperty("ciphertext").GetString();
        Assert.Equal(76, Convert.FromBase64String(ciphertext!).Length);

        using var decrypt = await http.PostAsync(new Uri("/v1/key/decrypt/my-key", UriKind.Relative), JsonContent.Create(new { ciphertext, context = "Y3R4" }), Ct);
        Assert.Equal(HttpStatusCode.OK, decrypt.StatusCode);
        using var opened = JsonDocument.Parse(await decrypt.Content.ReadAsStringAsync(Ct));
        Assert.Equal(plaintext, opened.RootElement.GetProperty("plaintext").GetString());
    }

    [Fact]
    public async Task Generate_IdentityWithoutPolicy_Is403InKesShape()
    {
        using var admin = TestCertificates.CreateClient();
        using var stranger = TestCertificates.CreateClient("CN=stranger");
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));
        using var http = server.CreateClient(stranger);

        using var response = await http.PostAsync(new Uri("/v1/key/generate/k", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("{\"message\":\"not authorized: insufficient permissions\"\n}", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Policy_DenyBeatsAllow()
    {
        using var app = TestCertificates.CreateClient("CN=app");
        var policy = new PolicyConfig("app", ["/v1/key/*"], ["/v1/key/create/secret*"], [TestServer.IdentityOf(app)]);
        await using var server = await TestServer.StartAsync(TestServer.Config("disabled", policy));
        using var http = server.CreateClient(app);

        using var allowed = await http.PostAsync(new Uri("/v1/key/create/public-1", UriKind.Relative), null, Ct);
        using var denied = await http.PostAsync(new Uri("/v1/key/create/secret-1", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_IsPlainText404BeforeAuth()
    {
        using var stranger = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config("disabled"));
        using var http = server.CreateClient(stranger);

        using var response = await http.GetAsync(new Uri("/v1/nothing", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task WrongMethod_Is405WithAcceptHeader()
    {
        using var stranger = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config("disabled"));
        using var http = server.CreateClient(stranger);

        using var response = await http.GetAsync(new Uri("/v1/key/create/k", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("PUT", response.Headers.GetValues("Accept").Single());
        Assert.Equal("{\"message\":\"received method 'GET' expected 'PUT'\"\n}", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task ListWithoutSlash_RedirectsAsServeMuxDoes()
    {
        using var stranger = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config("disabled"));
        using var http = server.CreateClient(stranger);

        using var response = await http.GetAsync(new Uri("/v1/key/list?x=1", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/v1/key/list/?x=1", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Decrypt_TamperedCiphertext_Is400NotAuthentic()
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));
        using var http = server.CreateClient(admin);
        (await http.PostAsync(new Uri("/v1/key/create/k", UriKind.Relative), null, Ct)).Dispose();

        using var response = await http.PostAsync(new Uri("/v1/key/decrypt/k", UriKind.Relative), JsonContent.Create(new { ciphertext = Convert.ToBase64String(new byte[76]) }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"message\":\"decryption failed: ciphertext is not authentic\"\n}", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task EveryRequest_IsAudited_GenerateIncluded()
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));
        using var http = server.CreateClient(admin);
        (await http.PostAsync(new Uri("/v1/key/create/k", UriKind.Relative), null, Ct)).Dispose();
        (await http.PostAsync(new Uri("/v1/key/generate/k", UriKind.Relative), null, Ct)).Dispose();

        var audit = await server.Audit.WaitForAsync("req.path=/v1/key/generate/k");

        Assert.Contains("req.path=/v1/key/generate/k", audit, StringComparison.Ordinal);
        Assert.Contains($"req.identity={TestServer.IdentityOf(admin)}", audit, StringComparison.Ordinal);
    }
}

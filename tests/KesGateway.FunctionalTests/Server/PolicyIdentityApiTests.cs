using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Server;

/// <summary>The read-only policy and identity APIs, and policy enforcement, end to end.</summary>
public sealed class PolicyIdentityApiTests : IAsyncLifetime
{
    private readonly X509Certificate2 _admin = TestCertificates.CreateClient("CN=admin");
    private readonly X509Certificate2 _minio = TestCertificates.CreateClient("CN=minio");
    private readonly X509Certificate2 _stranger = TestCertificates.CreateClient("CN=stranger");
    private TestServer? _server;

    private TestServer Server => _server!;

    private string MinioId => TestServer.IdentityOf(_minio);

    public async ValueTask InitializeAsync()
    {
        var minio = new PolicyConfig(
            "minio-server",
            ["/v1/key/create/*", "/v1/key/generate/*", "/v1/key/decrypt/*", "/v1/key/list/*", "/v1/status", "/v1/identity/self/describe"],
            ["/v1/key/generate/internal*"],
            [MinioId]);
        var reader = new PolicyConfig("reader", ["/v1/policy/*"], [], ["0000000000000000000000000000000000000000000000000000000000000001"]);
        _server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(_admin), minio, reader));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _admin.Dispose();
        _minio.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public async Task Minio_TypicalPolicy_AllowsItsCalls_DeniesTheRest()
    {
        using var http = Server.CreateClient(_minio);

        using var create = await http.PostJsonAsync("/v1/key/create/minio-default", null);
        using var generate = await http.PostJsonAsync("/v1/key/generate/minio-default", new { context = "e30=" });
        using var denied = await http.PostJsonAsync("/v1/key/generate/internal-1", null);
        using var delete = await http.DeletePathAsync("/v1/key/delete/minio-default");
        using var status = await http.GetPathAsync("/v1/status");
        using var version = await http.GetPathAsync("/version");

        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Equal(HttpStatusCode.OK, generate.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
    }

    [Fact]
    public async Task SelfDescribe_PolicyIdentity_GetsTheSdkShape()
    {
        using var http = Server.CreateClient(_minio);

        var self = await (await http.GetPathAsync("/v1/identity/self/describe")).JsonAsync();

        Assert.Equal(MinioId, self.GetProperty("identity").GetString());
        Assert.Equal("minio-server", self.GetProperty("policy").GetString());
        Assert.True(self.GetProperty("allow").TryGetProperty("/v1/key/create/*", out _));
        Assert.True(self.GetProperty("deny").TryGetProperty("/v1/key/generate/internal*", out _));
        Assert.Equal(TestServer.IdentityOf(_admin), self.GetProperty("created_by").GetString());
    }

    [Fact]
    public async Task SelfDescribe_UnknownIdentity_Is404_NotForbidden()
    {
        using var http = Server.CreateClient(_stranger);

        using var response = await http.GetPathAsync("/v1/identity/self/describe");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("{\"message\":\"identity does not exist\"\n}", await response.BodyAsync());
    }

    [Fact]
    public async Task PolicyApi_DescribeReadList()
    {
        using var http = Server.CreateClient(_admin);

        var describe = await (await http.GetPathAsync("/v1/policy/describe/minio-server")).JsonAsync();
        var read = await (await http.GetPathAsync("/v1/policy/read/minio-server")).JsonAsync();
        var all = await (await http.GetPathAsync("/v1/policy/list/*")).JsonAsync();
        var prefixed = await (await http.GetPathAsync("/v1/policy/list/min*")).JsonAsync();
        using var missing = await http.GetPathAsync("/v1/policy/describe/nope");
        using var invalid = await http.GetPathAsync("/v1/policy/read/x.y");
        using var badPattern = await http.GetPathAsync("/v1/policy/list/a*b");

        Assert.Equal("minio-server", describe.GetProperty("name").GetString());
        Assert.Equal(TestServer.IdentityOf(_admin), describe.GetProperty("created_by").GetString());
        Assert.Equal(6, read.GetProperty("allow").EnumerateObject().Count());
        Assert.Equal(["minio-server", "reader"], all.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("", all.GetProperty("continue_at").GetString());
        Assert.Equal(["minio-server"], prefixed.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("{\"message\":\"policy does not exist\"\n}", await missing.BodyAsync());
        Assert.Equal("{\"message\":\"policy name 'x.y' is empty, too long or contains invalid characters\"\n}", await invalid.BodyAsync());
        Assert.Equal("{\"message\":\"listing pattern 'a*b' is empty, too long or is invalid\"\n}", await badPattern.BodyAsync());
    }

    [Fact]
    public async Task IdentityApi_DescribeAndList()
    {
        using var http = Server.CreateClient(_admin);
        var adminId = TestServer.IdentityOf(_admin);

        var admin = await (await http.GetPathAsync($"/v1/identity/describe/{adminId}")).JsonAsync();
        var minio = await (await http.GetPathAsync($"/v1/identity/describe/{MinioId}")).JsonAsync();
        using var unknown = await http.GetPathAsync("/v1/identity/describe/" + new string('a', 64));
        using var invalid = await http.GetPathAsync("/v1/identity/describe/x.y");
        var list = await (await http.GetPathAsync("/v1/identity/list/*")).JsonAsync();

        Assert.True(admin.GetProperty("admin").GetBoolean());
        Assert.Equal("minio-server", minio.GetProperty("policy").GetString());
        Assert.Equal("{\"message\":\"identity does not exist\"\n}", await unknown.BodyAsync());
        Assert.Equal("{\"message\":\"identity 'x.y' is empty, too long or contains invalid characters\"\n}", await invalid.BodyAsync());
        var identities = list.GetProperty("identities").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(adminId, identities);
        Assert.Contains(MinioId, identities);
        Assert.Equal(identities.Order(StringComparer.Ordinal), identities);
    }

    [Fact]
    public async Task Denial_IsLoggedWithIdentityPathAndPolicy()
    {
        using var http = Server.CreateClient(_minio);
        using var errorsClient = Server.CreateClient(_admin);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var stream = await errorsClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/log/error"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cts.Token));

        (await http.PostJsonAsync("/v1/key/generate/internal-secret", null)).Dispose();

        string? line;
        do
        {
            line = await reader.ReadLineAsync(cts.Token);
        }
        while (line is not null && !line.Contains("access denied", StringComparison.Ordinal));

        Assert.NotNull(line);
        Assert.Contains("minio-server", line, StringComparison.Ordinal);
        Assert.Contains(MinioId, line, StringComparison.Ordinal);
        Assert.Contains("/v1/key/generate/internal-secret", line, StringComparison.Ordinal);
        Assert.Contains("/v1/key/generate/internal*", line, StringComparison.Ordinal);
        await cts.CancelAsync();
    }
}

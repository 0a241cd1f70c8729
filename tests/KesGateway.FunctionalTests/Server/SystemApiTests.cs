using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using KesGateway.Core.Keystore;
using KesGateway.Server.Configuration;
using KesGateway.Tests.Common;

namespace KesGateway.FunctionalTests.Server;

/// <summary>Status, readiness, API listing, metrics, version and the log streams.</summary>
public sealed class SystemApiTests
{
    [Fact]
    public async Task Status_HealthyStore_ReportsLatencyAndGoNames()
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));
        using var http = server.CreateClient(admin);

        var status = await (await http.GetPathAsync("/v1/status")).JsonAsync();

        Assert.Equal("linux", status.GetProperty("os").GetString());
        Assert.Contains(status.GetProperty("arch").GetString(), new[] { "amd64", "arm64" });
        Assert.True(status.GetProperty("keystore_latency").GetInt64() >= 1);
        Assert.False(status.TryGetProperty("keystore_unreachable", out _));
        Assert.Equal(["version", "os", "arch", "uptime", "num_cpu", "num_cpu_used", "mem_heap_used", "mem_stack_used", "keystore_latency"],
            status.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task StatusAndReady_UnreachableStore_AsKesReportsThem()
    {
        using var admin = TestCertificates.CreateClient();
        var store = new FaultyKeyStore { Fault = new KeyStoreUnreachableException("connection refused") };
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)), store);
        using var http = server.CreateClient(admin);

        var status = await (await http.GetPathAsync("/v1/status")).JsonAsync();
        using var ready = await http.GetPathAsync("/v1/ready");

        Assert.True(status.GetProperty("keystore_unreachable").GetBoolean());
        Assert.False(status.TryGetProperty("keystore_latency", out _));
        Assert.Equal(HttpStatusCode.GatewayTimeout, ready.StatusCode);
        Assert.Equal("{\"message\":\"key store is not reachable\"\n}", await ready.BodyAsync());
    }

    [Fact]
    public async Task Ready_BrokenStore_Is502Unavailable_AndKeyCallsAre502()
    {
        using var admin = TestCertificates.CreateClient();
        var store = new FaultyKeyStore();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)), store);
        using var http = server.CreateClient(admin);
        (await http.PostJsonAsync("/v1/key/create/k", null)).Dispose();
        store.Fault = new KeyStoreException("permission denied");

        using var ready = await http.GetPathAsync("/v1/ready");
        using var create = await http.PostJsonAsync("/v1/key/create/k2", null);
        using var generate = await http.PostJsonAsync("/v1/key/generate/k", null);
        using var delete = await http.DeletePathAsync("/v1/key/delete/k");
        using var list = await http.GetPathAsync("/v1/key/list/*");

        Assert.Equal("{\"message\":\"key store is unavailable\"\n}", await ready.BodyAsync());
        Assert.Equal((HttpStatusCode.BadGateway, "{\"message\":\"failed to create key\"\n}"), (create.StatusCode, await create.BodyAsync()));
        Assert.Equal((HttpStatusCode.BadGateway, "{\"message\":\"failed to read key\"\n}"), (generate.StatusCode, await generate.BodyAsync()));
        Assert.Equal((HttpStatusCode.BadGateway, "{\"message\":\"failed to delete key\"\n}"), (delete.StatusCode, await delete.BodyAsync()));
        Assert.Equal((HttpStatusCode.BadGateway, "{\"message\":\"failed to list keys\"\n}"), (list.StatusCode, await list.BodyAsync()));
    }

    [Fact]
    public async Task Generate_CorruptStoredValue_Is502FailedToReadKey()
    {
        using var admin = TestCertificates.CreateClient();
        var store = new FaultyKeyStore();
        store.Overrides["corrupt"] = "not a key version"u8.ToArray();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)), store);
        using var http = server.CreateClient(admin);

        using var response = await http.PostJsonAsync("/v1/key/generate/corrupt", null);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("{\"message\":\"failed to read key\"\n}", await response.BodyAsync());
    }

    [Fact]
    public async Task Api_ListsEveryKesRouteWithLimits_AndOverrides()
    {
        using var admin = TestCertificates.CreateClient();
        var config = TestServer.Config(TestServer.IdentityOf(admin)) with
        {
            Api = new Dictionary<string, ApiRouteConfig> { ["/v1/status"] = new(SkipAuth: false, Timeout: TimeSpan.FromSeconds(17)) }.ToImmutableDictionary(),
        };
        await using var server = await TestServer.StartAsync(config);
        using var http = server.CreateClient(admin);

        var api = await (await http.GetPathAsync("/v1/api")).JsonAsync();
        var routes = api.EnumerateArray().ToDictionary(r => r.GetProperty("path").GetString()!);

        using var vectors = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, "api-routes.json")));
        foreach (var expected in vectors.RootElement.GetProperty("routes").EnumerateArray())
        {
            var path = expected.GetProperty("path").GetString()!;
            Assert.True(routes.TryGetValue(path, out var actual), $"missing route {path}");
            Assert.Equal(expected.GetProperty("method").GetString(), actual.GetProperty("method").GetString());
            Assert.Equal(expected.GetProperty("max_body").GetInt64(), actual.GetProperty("max_body").GetInt64());
            Assert.Equal(path == "/v1/status" ? 17 : expected.GetProperty("timeout").GetInt64(), actual.GetProperty("timeout").GetInt64());
        }
    }

    [Fact]
    public async Task SkipAuth_StatusWithoutCertificate_IsServed_OtherRoutesStillNeedOne()
    {
        var config = TestServer.Config("disabled") with
        {
            Api = new Dictionary<string, ApiRouteConfig> { ["/v1/status"] = new(SkipAuth: true, Timeout: null) }.ToImmutableDictionary(),
        };
        await using var server = await TestServer.StartAsync(config);
        using var http = server.CreateClient(certificate: null);

        using var status = await http.GetPathAsync("/v1/status");
        using var create = await http.PostJsonAsync("/v1/key/create/k", null);

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal("{\"message\":\"tls: client certificate is required\"\n}", await create.BodyAsync());
    }

    [Fact]
    public async Task NoSkipAuth_ClientWithoutCertificate_FailsTheHandshake()
    {
        await using var server = await TestServer.StartAsync(TestServer.Config("disabled"));
        using var http = server.CreateClient(certificate: null);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetPathAsync("/version"));
    }

    [Fact]
    public async Task ClientCertificateWithCaTrue_Is400AsInKes()
    {
        using var ca = TestCertificates.CreateClient("CN=openssl-default", isCertificateAuthority: true);
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(ca)));
        using var http = server.CreateClient(ca);

        using var response = await http.GetPathAsync("/v1/status");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"message\":\"tls: client certificate is required\"\n}", await response.BodyAsync());
    }

    [Fact]
    public async Task Metrics_CountsServedKeyRequestsWithKesNames()
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));
        using var http = server.CreateClient(admin);
        (await http.PostJsonAsync("/v1/key/create/k", null)).Dispose();
        (await http.PostJsonAsync("/v1/key/generate/missing", null)).Dispose();

        using var response = await http.GetPathAsync("/v1/metrics");
        var text = await response.BodyAsync();

        Assert.StartsWith("text/plain; version=0.0.4", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("kes_http_request_success{code=\"200\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kes_http_request_error{code=\"404\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("kes_http_request_failure", text, StringComparison.Ordinal);
        Assert.Contains("kes_http_response_time_count 2\n", text, StringComparison.Ordinal);
        Assert.Contains("kes_system_num_cpu ", text, StringComparison.Ordinal);
        Assert.Contains("kesgw_cache_loads_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("kesgw_keystore_offline 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditStream_DeliversRequestsMadeAfterSubscribing()
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));
        using var http = server.CreateClient(admin);
        using var streamClient = server.CreateClient(admin);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        using var stream = await streamClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/log/audit"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("application/x-ndjson", stream.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cts.Token));
        (await http.PostJsonAsync("/v1/key/create/audited", null)).Dispose();

        string? line;
        do
        {
            line = await reader.ReadLineAsync(cts.Token);
        }
        while (line is not null && !line.Contains("/v1/key/create/audited", StringComparison.Ordinal));

        using var doc = JsonDocument.Parse(line!);
        Assert.Equal(TestServer.IdentityOf(admin), doc.RootElement.GetProperty("request").GetProperty("identity").GetString());
        Assert.Equal(200, doc.RootElement.GetProperty("response").GetProperty("code").GetInt32());
        Assert.Equal("127.0.0.1", doc.RootElement.GetProperty("request").GetProperty("ip").GetString());
        await cts.CancelAsync();
    }

    [Fact]
    public async Task Http2_Works()
    {
        using var admin = TestCertificates.CreateClient();
        await using var server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(admin)));
        using var http = server.CreateClient(admin, HttpVersion.Version20);

        using var response = await http.GetPathAsync("/v1/status");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }
}

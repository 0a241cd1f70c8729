using System.Net;
using System.Security.Cryptography.X509Certificates;
using KesGateway.Tests.Common.Vault;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>Plumbing (§11.1): HTTPS from a test CA, required client certificates, HTTP/2, connections, the journal.</summary>
public sealed class VaultDoubleTransportTests
{
    [Fact]
    public async Task Https_ClientTrustingTheCa_IsServed()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        using var http = new VaultTestHttp(vault);

        var answer = await http.GetAsync("sys/health");
        using var ca = X509Certificate2.CreateFromPem(vault.CaCertificatePem);

        Assert.Equal("https", vault.Address.Scheme);
        Assert.Equal(200, answer.Status);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    [Fact]
    public async Task Https_ClientWithSystemTrust_FailsVerification()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        using var client = new HttpClient { BaseAddress = vault.Address };

        var failure = await Record.ExceptionAsync(() => client.GetAsync("/v1/sys/health", TestContext.Current.CancellationToken));

        Assert.IsType<HttpRequestException>(failure);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(failure.InnerException);
    }

    [Fact]
    public async Task Https_CertificateForAnotherHost_FailsVerification()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions
        {
            UseTls = true,
            ServerDnsNames = ["vault.wrong.example"],
            ServerCertificateCoversLoopback = false,
        });
        using var http = new VaultTestHttp(vault);

        var failure = await Record.ExceptionAsync(() => http.GetAsync("sys/health"));

        Assert.IsType<HttpRequestException>(failure);
    }

    [Fact]
    public async Task RequiredClientCertificate_FromTheCa_IsServed()
    {
        using var clients = VaultTestCertificateAuthority.Create("KES clients");
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true, RequiredClientCertificateAuthority = clients.Certificate });
        using var certificate = clients.IssueClientCertificate();
        using var http = new VaultTestHttp(vault, certificate);

        var answer = await http.GetAsync("sys/health");

        Assert.Equal(200, answer.Status);
        Assert.Contains("BEGIN PRIVATE KEY", VaultTestCertificateAuthority.PrivateKeyPemOf(certificate), StringComparison.Ordinal);
        Assert.Contains("BEGIN CERTIFICATE", VaultTestCertificateAuthority.CertificatePemOf(certificate), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequiredClientCertificate_MissingOrFromAnotherCa_FailsTheHandshake()
    {
        using var clients = VaultTestCertificateAuthority.Create("KES clients");
        using var strangers = VaultTestCertificateAuthority.Create("Strangers");
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true, RequiredClientCertificateAuthority = clients.Certificate });
        using var stranger = strangers.IssueClientCertificate();
        using var anonymous = new VaultTestHttp(vault);
        using var foreign = new VaultTestHttp(vault, stranger);

        var withoutCertificate = await Record.ExceptionAsync(() => anonymous.GetAsync("sys/health"));
        var withForeignCertificate = await Record.ExceptionAsync(() => foreign.GetAsync("sys/health"));

        Assert.IsType<HttpRequestException>(withoutCertificate, exactMatch: false);
        Assert.IsType<HttpRequestException>(withForeignCertificate, exactMatch: false);
        Assert.Empty(vault.Journal.Entries);
    }

    [Fact]
    public async Task Https_Http2Request_IsNegotiated()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { UseTls = true });
        using var client = vault.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/sys/health") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("HTTP/2", vault.Journal.Entries.Single().Protocol);
    }

    [Fact]
    public async Task ConnectionClose_OpensOneConnectionPerRequest()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var client = vault.CreateClient();

        for (var i = 0; i < 2; i++)
        {
            using var keepAlive = new HttpRequestMessage(HttpMethod.Get, "/v1/sys/health");
            (await client.SendAsync(keepAlive, TestContext.Current.CancellationToken)).Dispose();
        }

        for (var i = 0; i < 2; i++)
        {
            using var close = new HttpRequestMessage(HttpMethod.Get, "/v1/sys/health");
            close.Headers.ConnectionClose = true;
            (await client.SendAsync(close, TestContext.Current.CancellationToken)).Dispose();
        }

        var connections = vault.Journal.Entries.Select(r => r.ConnectionId).ToList();
        Assert.Equal(connections[0], connections[1]);
        Assert.Equal(connections[1], connections[2]); // the first close travels on the kept-alive connection and ends it
        Assert.NotEqual(connections[2], connections[3]);
        Assert.Equal("close", vault.Journal.Entries[3].Header("Connection"));
    }

    [Fact]
    public async Task Journal_RecordsMethodTargetHeadersBodyAndOutcome()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv");
        using var http = new VaultTestHttp(vault) { Token = vault.RootToken, Namespace = null };

        await http.PutAsync("kv/tenant-1/my-key", """{"my-key":"v"}""");
        await http.ListAsync("kv/tenant-1");
        var record = await vault.Journal.WaitForAsync(r => r.Method == "LIST", TestContext.Current.CancellationToken);

        var put = vault.Journal.ForPath("kv/tenant-1/my-key").Single();
        Assert.Equal("/v1/kv/tenant-1/my-key", put.Target);
        Assert.Equal("""{"my-key":"v"}""", put.Body);
        Assert.Equal(vault.RootToken, put.Token);
        Assert.Equal("true", put.VaultRequest);
        Assert.Null(put.Namespace);
        Assert.Null(put.Header("Content-Type"));
        Assert.Equal(204, put.ResponseStatus);
        Assert.Equal(200, record.ResponseStatus);
        Assert.Equal(2, vault.Journal.Count);
        vault.Journal.Clear();
        Assert.Empty(vault.Journal.Entries);
    }

    [Fact]
    public async Task Journal_WaitForAsync_CompletesWhenALaterRequestFinishes()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var http = new VaultTestHttp(vault);

        var waiting = vault.Journal.WaitForAsync(r => r.VaultPath == "sys/health", TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        await http.GetAsync("sys/health");
        var record = await waiting;

        Assert.Equal(200, record.ResponseStatus);
    }

    [Fact]
    public async Task NonV1Path_Is404()
    {
        await using var vault = await VaultDouble.StartAsync();
        using var client = vault.CreateClient();

        using var response = await client.GetAsync("/v2/sys/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using KesGateway.Core.Client;
using KesGateway.Core.Identity;
using KesGateway.Core.Protocol;
using KesGateway.FunctionalTests.Server;
using KesGateway.Server.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.Client;

/// <summary>The KES client against a real KesGateway over real TLS (BouncyCastle client, Kestrel server).</summary>
public sealed class KesClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SslProtocols.Tls13, "TLS 1.3 http/1.1")]
    [InlineData(SslProtocols.Tls12, "TLS 1.2 http/1.1")]
    public async Task ApiKeyAdmin_EveryKeyOperation_WorksEndToEnd(SslProtocols protocol, string negotiated)
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        using var sut = CreateClient(server, apiKey, protocols: protocol);

        var version = await sut.VersionAsync(Ct);
        var status = await sut.StatusAsync(Ct);
        var api = await sut.ApiAsync(Ct);
        await sut.ReadyAsync(Ct);
        await sut.CreateKeyAsync("my-key", Ct);
        var dek = await sut.GenerateKeyAsync("my-key", "ctx"u8.ToArray(), Ct);
        var plaintext = await sut.DecryptAsync("my-key", dek.Ciphertext, "ctx"u8.ToArray(), Ct);
        var sealedMessage = await sut.EncryptAsync("my-key", "hello"u8.ToArray(), cancellationToken: Ct);
        var opened = await sut.DecryptAsync("my-key", sealedMessage, cancellationToken: Ct);
        var described = await sut.DescribeKeyAsync("my-key", Ct);
        var listed = await sut.ListKeysAsync(cancellationToken: Ct);
        var hmac1 = await sut.HmacAsync("my-key", "root access key"u8.ToArray(), Ct);
        var hmac2 = await sut.HmacAsync("my-key", "root access key"u8.ToArray(), Ct);
        var self = await sut.DescribeSelfAsync(Ct);
        var metrics = await sut.MetricsAsync(Ct);
        await sut.DeleteKeyAsync("my-key", Ct);
        var afterDelete = await sut.ListKeysAsync("*", Ct);

        Assert.False(string.IsNullOrEmpty(version.Version));
        Assert.False(string.IsNullOrEmpty(status.OS));
        Assert.Contains(api, r => r.Path == "/v1/key/generate/");
        Assert.Equal(32, dek.Plaintext.Length);
        Assert.Equal(dek.Plaintext, plaintext);
        Assert.Equal("hello"u8.ToArray(), opened);
        Assert.Equal("my-key", described.Name);
        Assert.Equal(apiKey.Identity.Value, described.CreatedBy);
        Assert.Equal(["my-key"], listed.Names);
        Assert.Equal(32, hmac1.Length);
        Assert.Equal(hmac1, hmac2);
        Assert.Equal(apiKey.Identity.Value, self.Identity);
        Assert.True(self.Admin);
        Assert.Contains("kes_http_request_success", metrics, StringComparison.Ordinal);
        Assert.Empty(afterDelete.Names);
        Assert.Equal(apiKey.Identity, sut.Identity);
        Assert.Equal(negotiated, sut.Transport.LastProtocol);
    }

    [Fact]
    public async Task ManyRequests_OneAfterAnother_ReuseOneConnection()
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        using var sut = CreateClient(server, apiKey);
        await sut.CreateKeyAsync("k", Ct);

        for (var i = 0; i < 20; i++)
        {
            await sut.GenerateKeyAsync("k", cancellationToken: Ct);
        }

        Assert.Equal(1, sut.Transport.ConnectionsOpened);
    }

    [Fact]
    public async Task ManyRequests_InParallel_AllSucceed()
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        using var sut = CreateClient(server, apiKey);
        await sut.CreateKeyAsync("k", Ct);

        var deks = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => sut.GenerateKeyAsync("k", cancellationToken: Ct)));

        Assert.Equal(32, deks.Select(d => Convert.ToBase64String(d.Plaintext)).Distinct().Count());
    }

    [Theory]
    [InlineData("ecdsa", null)]
    [InlineData("rsa", null)]
    [InlineData("ed25519", null)]
    [InlineData("ecdsa", "secret")]
    public async Task CertificateAndKeyFiles_AuthenticateAsTheirIdentity(string keyType, string? password)
    {
        using var files = new TempFiles();
        var (certificatePem, keyPem, identity) = CreateClientCertificate(keyType, password);
        var certificateFile = files.Write("client.cert", certificatePem);
        var keyFile = files.Write("client.key", keyPem);
        await using var server = await TestServer.StartAsync(TestServer.Config(identity));

        foreach (var protocol in new[] { SslProtocols.Tls13, SslProtocols.Tls12 })
        {
            using var sut = new KesClient(new KesClientOptions
            {
                Endpoints = [server.Address.ToString()],
                CertificateFile = certificateFile,
                PrivateKeyFile = keyFile,
                PrivateKeyPassword = password,
                Insecure = true,
                TlsProtocols = protocol,
            });

            var self = await sut.DescribeSelfAsync(Ct);

            Assert.Equal(identity, self.Identity);
            Assert.Equal(identity, sut.Identity?.Value);
        }
    }

    [Fact]
    public async Task EncryptedKeyFile_WithoutPassword_IsAClearError()
    {
        using var files = new TempFiles();
        var (certificatePem, keyPem, _) = CreateClientCertificate("ecdsa", "secret");
        var options = new KesClientOptions
        {
            Endpoints = ["127.0.0.1:7373"],
            CertificateFile = files.Write("client.cert", certificatePem),
            PrivateKeyFile = files.Write("client.key", keyPem),
        };

        var error = Assert.Throws<ArgumentException>(() => new KesClient(options));

        Assert.Contains("encrypted", error.Message, StringComparison.Ordinal);
        Assert.Contains("password", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData(SslProtocols.Tls13, "certificate_required")]
    [InlineData(SslProtocols.Tls12, "bad_certificate")]
    public async Task NoClientCertificate_ServerRefusesTheHandshake_SaysWhatIsMissing(SslProtocols protocol, string alert)
    {
        await using var server = new BcTlsTestServer();
        using var sut = new KesClient(new KesClientOptions
        {
            Endpoints = [$"127.0.0.1:{server.Port}"],
            Insecure = true,
            TlsProtocols = protocol,
            Timeout = TimeSpan.FromSeconds(10),
        });

        var error = await Assert.ThrowsAsync<KesException>(() => sut.VersionAsync(Ct));

        Assert.Equal(KesErrorKind.TlsHandshake, error.Kind);
        Assert.Contains(alert, error.Message, StringComparison.Ordinal);
        Assert.Contains("the server requires a client certificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ed25519ServerCertificate_IsNotTrustedWithoutCa()
    {
        await using var server = new BcTlsTestServer();
        using var apiKey = ApiKey.Generate();
        using var sut = new KesClient(new KesClientOptions { Endpoints = [$"127.0.0.1:{server.Port}"], ApiKey = apiKey });

        var error = await Assert.ThrowsAsync<KesException>(() => sut.VersionAsync(Ct));

        Assert.Equal(KesErrorKind.TlsVerification, error.Kind);
    }

    [Fact]
    public async Task NoClientCertificate_SomeRouteSkipsAuth_OtherRoutesAnswer400CertificateRequired()
    {
        var config = TestServer.Config("disabled") with
        {
            Api = new Dictionary<string, ApiRouteConfig> { ["/v1/status"] = new(SkipAuth: true, Timeout: null) }.ToImmutableDictionary(),
        };
        await using var server = await TestServer.StartAsync(config);
        using var sut = new KesClient(new KesClientOptions { Endpoints = [server.Address.ToString()], Insecure = true });

        var status = await sut.StatusAsync(Ct);
        var error = await Assert.ThrowsAsync<KesException>(() => sut.CreateKeyAsync("k", Ct));

        Assert.False(string.IsNullOrEmpty(status.Version));
        Assert.Equal(KesErrors.ClientCertificateRequired, error.Error);
    }

    [Fact]
    public async Task NoClientCertificate_NoRouteSkipsAuth_HandshakeIsRefused()
    {
        await using var server = await TestServer.StartAsync(TestServer.Config("disabled"));
        using var sut = new KesClient(new KesClientOptions { Endpoints = [server.Address.ToString()], Insecure = true });

        var error = await Assert.ThrowsAsync<KesException>(() => sut.VersionAsync(Ct));

        Assert.Contains(error.Kind, new[] { KesErrorKind.TlsHandshake, KesErrorKind.Network });
        Assert.Equal(0, error.StatusCode);
    }

    [Fact]
    public async Task PolicyIdentity_OutsideItsPolicy_Gets403NotAuthorized()
    {
        using var admin = ApiKey.Generate();
        using var app = ApiKey.Generate();
        var policy = new PolicyConfig("app", ["/v1/key/generate/*", "/v1/key/decrypt/*"], [], [app.Identity.Value]);
        await using var server = await TestServer.StartAsync(TestServer.Config(admin.Identity.Value, policy));
        using var sut = CreateClient(server, app);

        var error = await Assert.ThrowsAsync<KesException>(() => sut.CreateKeyAsync("k", Ct));

        Assert.Equal(KesErrorKind.Api, error.Kind);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal("not authorized: insufficient permissions", error.Message);
        Assert.Equal(KesErrors.NotAuthorized, error.Error);
    }

    [Fact]
    public async Task MissingKey_Is404WithKesMessage()
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        using var sut = CreateClient(server, apiKey);

        var error = await Assert.ThrowsAsync<KesException>(() => sut.DescribeKeyAsync("missing", Ct));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("key does not exist", error.Message);
        Assert.Equal(KesErrors.KeyNotFound, error.Error);
    }

    [Fact]
    public async Task CreateTwice_IsKeyExists()
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        using var sut = CreateClient(server, apiKey);
        await sut.CreateKeyAsync("k", Ct);

        var error = await Assert.ThrowsAsync<KesException>(() => sut.CreateKeyAsync("k", Ct));

        Assert.Equal(KesErrors.KeyExists, error.Error);
    }

    [Fact]
    public async Task ImportedKey_DecryptsWhatItEncrypted()
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        using var sut = CreateClient(server, apiKey);

        await sut.ImportKeyAsync("imported", RandomNumberGenerator.GetBytes(32), "ChaCha20", Ct);
        var described = await sut.DescribeKeyAsync("imported", Ct);
        var ciphertext = await sut.EncryptAsync("imported", "secret"u8.ToArray(), cancellationToken: Ct);
        var plaintexts = await sut.BulkDecryptAsync("imported", [new DecryptKeyRequest { Ciphertext = ciphertext }, new DecryptKeyRequest { Ciphertext = ciphertext }], Ct);

        Assert.Equal("ChaCha20", described.Algorithm);
        Assert.All(plaintexts, p => Assert.Equal("secret"u8.ToArray(), p));
    }

    [Fact]
    public async Task PolicyAndIdentityApis_DescribeTheConfiguration()
    {
        using var admin = ApiKey.Generate();
        using var app = ApiKey.Generate();
        var policy = new PolicyConfig("app", ["/v1/key/generate/app-*"], ["/v1/key/generate/app-secret"], [app.Identity.Value]);
        await using var server = await TestServer.StartAsync(TestServer.Config(admin.Identity.Value, policy));
        using var sut = CreateClient(server, admin);

        var policies = await sut.ListPoliciesAsync(cancellationToken: Ct);
        var described = await sut.DescribePolicyAsync("app", Ct);
        var read = await sut.ReadPolicyAsync("app", Ct);
        var identities = await sut.ListIdentitiesAsync(cancellationToken: Ct);
        var identity = await sut.DescribeIdentityAsync(app.Identity.Value, Ct);
        var missing = await Assert.ThrowsAsync<KesException>(() => sut.DescribePolicyAsync("nope", Ct));

        Assert.Equal(["app"], policies.Names);
        Assert.Equal("app", described.Name);
        Assert.Equal(["/v1/key/generate/app-*"], read.Allow!.Keys);
        Assert.Equal(["/v1/key/generate/app-secret"], read.Deny!.Keys);
        Assert.Contains(app.Identity.Value, identities.Identities);
        Assert.Equal("app", identity.Policy);
        Assert.Equal(KesErrors.PolicyNotFound, missing.Error);
    }

    [Fact]
    public async Task ServerCertificate_WithoutCaOrInsecure_FailsVerificationWithAHint()
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        using var sut = CreateClient(server, apiKey, insecure: false);

        var error = await Assert.ThrowsAsync<KesException>(() => sut.VersionAsync(Ct));

        Assert.Equal(KesErrorKind.TlsVerification, error.Kind);
        Assert.Contains("cannot verify the TLS certificate", error.Message, StringComparison.Ordinal);
        Assert.Contains("self-signed", error.Message, StringComparison.Ordinal);
        Assert.Contains("--insecure", error.Message, StringComparison.Ordinal);
        Assert.Contains("--ca", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task ServerCertificate_TrustedThroughCaFile_IsVerified(string host)
    {
        using var files = new TempFiles();
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        var caFile = files.Write("ca.pem", server.Certificate.ExportCertificatePem());
        using var sut = new KesClient(new KesClientOptions
        {
            Endpoints = [$"{host}:{server.Address.Port}"],
            ApiKey = apiKey,
            CaFile = caFile,
        });

        var version = await sut.VersionAsync(Ct);

        Assert.False(string.IsNullOrEmpty(version.Version));
    }

    [Fact]
    public async Task ServerCertificate_CaDirectory_IsVerified()
    {
        using var files = new TempFiles();
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        files.Write("ca.pem", server.Certificate.ExportCertificatePem());
        files.Write("README", "not a certificate");
        using var sut = new KesClient(new KesClientOptions { Endpoints = [server.Address.ToString()], ApiKey = apiKey, CaFile = files.Path });

        var version = await sut.VersionAsync(Ct);

        Assert.False(string.IsNullOrEmpty(version.Version));
    }

    [Fact]
    public async Task Failover_FirstEndpointClosed_SecondAnswers()
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        var closedPort = ClosedPort();
        using var sut = new KesClient(new KesClientOptions
        {
            Endpoints = [$"127.0.0.1:{closedPort}", server.Address.ToString()],
            ApiKey = apiKey,
            Insecure = true,
        });

        await sut.CreateKeyAsync("k", Ct);
        var described = await sut.DescribeKeyAsync("k", Ct);

        Assert.Equal("k", described.Name);
        Assert.Equal(1, sut.Transport.ConnectionsOpened);
    }

    [Fact]
    public async Task OnlyEndpointClosed_IsUnreachable()
    {
        using var apiKey = ApiKey.Generate();
        using var sut = new KesClient(new KesClientOptions { Endpoints = [$"127.0.0.1:{ClosedPort()}"], ApiKey = apiKey, Insecure = true });

        var error = await Assert.ThrowsAsync<KesException>(() => sut.VersionAsync(Ct));

        Assert.Equal(KesErrorKind.Unreachable, error.Kind);
        Assert.Contains("cannot connect to 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey.ToString(), error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentServer_TimesOutOnTheClientsClock()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = listener.AcceptSocketAsync(Ct);
        var time = new FakeTimeProvider();
        using var apiKey = ApiKey.Generate();
        using var sut = new KesClient(new KesClientOptions
        {
            Endpoints = [$"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"],
            ApiKey = apiKey,
            Insecure = true,
            TimeProvider = time,
            Timeout = TimeSpan.FromSeconds(5),
        });

        var call = sut.VersionAsync(Ct);
        using var connection = await accept;
        time.Advance(TimeSpan.FromSeconds(6));
        var error = await Assert.ThrowsAsync<KesException>(() => call);

        Assert.Equal(KesErrorKind.Timeout, error.Kind);
    }

    [Fact]
    public async Task AuditLog_Subscribed_YieldsLaterRequest()
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        using var sut = CreateClient(server, apiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));

        await using var log = await sut.OpenAuditLogAsync(timeout.Token);
        await using var events = log.GetAsyncEnumerator(timeout.Token);

        // KesGateway sends the headers just before it registers the subscriber, so retry until an event shows.
        var next = events.MoveNextAsync().AsTask();
        for (var i = 0; !next.IsCompleted && i < 100; i++)
        {
            await sut.CreateKeyAsync($"audited-{i}", timeout.Token);
            await Task.WhenAny(next, Task.Delay(100, timeout.Token));
        }

        Assert.True(await next);
        var first = events.Current;
        Assert.StartsWith("/v1/key/create/audited-", first.Request.Path, StringComparison.Ordinal);
        Assert.Equal(apiKey.Identity.Value, first.Request.Identity);
        Assert.Equal(200, first.Response.Code);
    }

    [Fact]
    public async Task StreamAuditLog_YieldsEventsUntilCancelled()
    {
        using var apiKey = ApiKey.Generate();
        await using var server = await TestServer.StartAsync(TestServer.Config(apiKey.Identity.Value));
        using var sut = CreateClient(server, apiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await using var events = sut.StreamAuditLogAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        // The subscription starts with the first MoveNextAsync; keep making requests until one is seen.
        var next = events.MoveNextAsync().AsTask();
        for (var i = 0; !next.IsCompleted && i < 100; i++)
        {
            await sut.CreateKeyAsync($"k{i}", timeout.Token);
            await Task.WhenAny(next, Task.Delay(100, timeout.Token));
        }

        Assert.True(await next);
        Assert.StartsWith("/v1/key/create/k", events.Current.Request.Path, StringComparison.Ordinal);

        await timeout.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            // Events already received are still delivered; then the cancelled read ends the stream.
            while (await events.MoveNextAsync())
            {
            }
        });
    }

    [Fact]
    public async Task ClientHello_SendsSniForHostNamesOnly_AndOffersHttp11()
    {
        var toHost = await CaptureClientHelloAsync("localhost");
        var toIp = await CaptureClientHelloAsync("127.0.0.1");

        Assert.True(Contains(toHost, "localhost"u8));
        Assert.True(Contains(toHost, "http/1.1"u8));
        Assert.False(Contains(toIp, "127.0.0.1"u8));
    }

    private static async Task<byte[]> CaptureClientHelloAsync(string host)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = listener.AcceptSocketAsync(Ct);
        using var apiKey = ApiKey.Generate();
        using var sut = new KesClient(new KesClientOptions
        {
            Endpoints = [$"{host}:{((IPEndPoint)listener.LocalEndpoint).Port}"],
            ApiKey = apiKey,
            Insecure = true,
            Timeout = TimeSpan.FromSeconds(10),
        });
        var call = sut.VersionAsync(Ct);
        using var socket = await accept;
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer, Ct);
        socket.Close();
        await Assert.ThrowsAsync<KesException>(() => call);
        return buffer[..read];
    }

    private static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static (string Certificate, string Key, string Identity) CreateClientCertificate(string keyType, string? password)
    {
        if (keyType == "ed25519")
        {
            using var apiKey = ApiKey.Generate();
            var certificate = ClientCertificateFactory.Create(apiKey, TimeProvider.System);
            return (certificate.ExportCertificatePem(), certificate.ExportPrivateKeyPem(), certificate.Identity.Value);
        }

        using AsymmetricAlgorithm key = keyType == "rsa" ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsa
            ? new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=rsa-client", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ec-client", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(false, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
        var keyPem = password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));
        return (cert.ExportCertificatePem(), keyPem, TestServer.IdentityOf(cert));
    }

    private static KesClient CreateClient(TestServer server, ApiKey apiKey, bool insecure = true, SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13) => new(new KesClientOptions
    {
        Endpoints = [server.Address.ToString()],
        ApiKey = apiKey,
        Insecure = insecure,
        TlsProtocols = protocols,
        Timeout = TimeSpan.FromSeconds(20),
    });
}

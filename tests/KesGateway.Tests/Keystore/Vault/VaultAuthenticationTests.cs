using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Vault;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>Login (vault-compat §4.0, §5.1–§5.3), the "invalid token" re-login, and that no secret leaks.</summary>
public sealed class VaultAuthenticationTests
{
    private const string InvalidToken = """{"errors":["2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectAsync_FirstLogin_IsAnAppRolePutWithoutToken()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();

        var login = Assert.Single(bed.Handler.Logins);
        Assert.Equal("PUT /v1/auth/approle/login", $"{login.Method} {login.Uri.PathAndQuery}");
        Assert.Equal("""{"role_id":"role-id-1","secret_id":"secret-id-5ecr3t-0123456789"}""", login.Body);
        Assert.Null(login.Token);
        Assert.Equal("true", login.Headers["X-Vault-Request"]);
        Assert.Equal(ScriptedVaultHandler.LoginToken, store.Tokens.Token);
        Assert.Equal("Hashicorp Vault: https://vault.test:8200", store.Description);
    }

    [Fact]
    public async Task ConnectAsync_AppRoleEngine_NamesTheLoginPath()
    {
        await using var bed = new VaultTestBed();
        bed.Options.AppRole!.Engine = "/team/approle/";

        await bed.ConnectAsync();

        Assert.Equal("/v1/auth/team/approle/login", Assert.Single(bed.Handler.Logins).Path);
    }

    [Theory]
    [InlineData("", "", null, null)]
    [InlineData("ns1", "", "ns1", "ns1")]
    [InlineData("ns1", "/", null, "ns1")]
    [InlineData("ns1", "admin", "admin", "ns1")]
    [InlineData("", "root/", "root/", null)]
    public async Task ConnectAsync_LoginNamespace_FollowsTheAuthNamespaceRules(string keystoreNamespace, string loginNamespace, string? loginHeader, string? kvHeader)
    {
        await using var bed = new VaultTestBed(@namespace: keystoreNamespace);
        bed.Options.AppRole!.Namespace = loginNamespace;
        var store = await bed.ConnectAsync();

        await store.GetAsync("my-key", Ct);

        Assert.Equal(loginHeader, Assert.Single(bed.Handler.Logins).Namespace);
        Assert.Equal(kvHeader, bed.Handler.Calls[^1].Namespace);
        Assert.All(bed.Handler.To("/v1/sys/health"), h => Assert.Null(h.Namespace));
    }

    [Fact]
    public async Task ConnectAsync_KubernetesInlineJwt_SendsJwtAndRole()
    {
        await using var bed = new VaultTestBed();
        bed.Options.AppRole = null;
        bed.Options.Kubernetes = new VaultKubernetesOptions { Engine = "k8s", Role = "kes", Jwt = "eyJhbGciOi.inline.jwt" };

        await bed.ConnectAsync();

        var login = Assert.Single(bed.Handler.Logins);
        Assert.Equal("/v1/auth/k8s/login", login.Path);
        Assert.Equal("""{"jwt":"eyJhbGciOi.inline.jwt","role":"kes"}""", login.Body);
    }

    [Fact]
    public async Task Login_KubernetesJwtFile_IsReadAgainAtEveryLogin()
    {
        var file = Path.Combine(Path.GetTempPath(), "kesgw-jwt-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, "jwt-one.from.file\n", Ct);
        try
        {
            await using var bed = new VaultTestBed();
            bed.Options.AppRole = null;
            bed.Options.Kubernetes = new VaultKubernetesOptions { Role = "kes", JwtFile = file };
            var store = await bed.ConnectAsync();
            await File.WriteAllTextAsync(file, "jwt-two.from.file", Ct);
            bed.Handler.On(r => r.Path == "/v1/kv/my-key" && r.Token == ScriptedVaultHandler.LoginToken, _ => ScriptedVaultHandler.Answer(403, InvalidToken));
            bed.Handler.On("PUT", "/v1/auth/kubernetes/login", 200, ScriptedVaultHandler.Token("hvs.B"));

            Assert.Null(await store.GetAsync("my-key", Ct));

            Assert.Equal(
                ["""{"jwt":"jwt-one.from.file\n","role":"kes"}""", """{"jwt":"jwt-two.from.file","role":"kes"}"""],
                bed.Handler.Logins.Select(l => l.Body));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ConnectAsync_BadCredentials_FailsOnceWithVaultsErrorAndNoSecret()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On("PUT", "/v1/auth/approle/login", 400, """{"errors":["invalid role or secret ID"]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(() => bed.ConnectAsync());

        Assert.IsNotType<KeyStoreUnreachableException>(ex);
        Assert.Equal(
            "vault: authentication failed: Error making API request.\n\nURL: PUT https://vault.test:8200/v1/auth/approle/login\nCode: 400. Errors:\n\n* invalid role or secret ID",
            ex.Message);
        Assert.Single(bed.Handler.Requests);
    }

    [Fact]
    public async Task ConnectAsync_Sealed_FailsAsUnreachableAfterThreeAttempts()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On("PUT", "/v1/auth/approle/login", 503, """{"errors":["Vault is sealed"]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreUnreachableException>(() => bed.ConnectAsync());

        Assert.EndsWith("Code: 503. Errors:\n\n* Vault is sealed", ex.Message);
        Assert.Equal(3, bed.Handler.Requests.Count);
    }

    [Fact]
    public async Task ConnectAsync_VaultDown_FailsAsUnreachable()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On(_ => true, _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (vault.test:8200)", new SocketException((int)SocketError.ConnectionRefused)));

        var ex = await Assert.ThrowsAsync<KeyStoreUnreachableException>(() => bed.ConnectAsync());

        Assert.StartsWith("vault: authentication failed: PUT https://vault.test:8200/v1/auth/approle/login: Connection refused (vault.test:8200)", ex.Message);
        Assert.Equal(3, bed.Handler.Requests.Count);
    }

    [Fact]
    public async Task ConnectAsync_TlsVerificationFails_FailsAtOnce()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On(_ => true, _ => throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.",
            new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")));

        var ex = await Assert.ThrowsAsync<KeyStoreException>(() => bed.ConnectAsync());

        Assert.Equal("vault: authentication failed: PUT https://vault.test:8200/v1/auth/approle/login: tls: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot", ex.Message);
        Assert.Single(bed.Handler.Requests);
    }

    [Fact]
    public async Task ConnectAsync_AnswerWithoutToken_Fails()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On("PUT", "/v1/auth/approle/login", 200, """{"auth":null,"data":null}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(() => bed.ConnectAsync());

        Assert.Equal("vault: authentication failed: SDK returned no error but also no token", ex.Message);
    }

    [Fact]
    public async Task ConnectAsync_VaultEchoesTheSecret_MessageAndLogsAreRedacted()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On("PUT", "/v1/auth/approle/login", 400, $$"""{"errors":["secret_id {{VaultTestBed.SecretId}} is invalid"]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(() => bed.ConnectAsync());

        Assert.DoesNotContain(VaultTestBed.SecretId, ex.Message);
        Assert.Contains("secret_id <redacted> is invalid", ex.Message);
        Assert.All(bed.Logger.Entries, e => Assert.DoesNotContain(VaultTestBed.SecretId, e.Message));
    }

    [Fact]
    public async Task ConnectAsync_VaultEchoesTheJwt_MessageIsRedacted()
    {
        const string Jwt = "eyJhbGciOiJSUzI1NiJ9.payload.signature";
        await using var bed = new VaultTestBed();
        bed.Options.AppRole = null;
        bed.Options.Kubernetes = new VaultKubernetesOptions { Role = "kes", Jwt = Jwt };
        bed.Handler.On("PUT", "/v1/auth/kubernetes/login", 403, $$"""{"errors":["token {{Jwt}} failed review"]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(() => bed.ConnectAsync());

        Assert.DoesNotContain(Jwt, ex.Message);
        Assert.Contains("token <redacted> failed review", ex.Message);
    }

    [Fact]
    public async Task Operations_VaultEchoesTheToken_MessageIsRedacted()
    {
        const string LongToken = "hvs.CAESIJlongtokenvalue0123456789";
        await using var bed = new VaultTestBed();
        bed.Handler.On("PUT", "/v1/auth/approle/login", 200, ScriptedVaultHandler.Token(LongToken));
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 400, $$"""{"errors":["token {{LongToken}} lacks the policy"]}""");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.DoesNotContain(LongToken, ex.Message);
        Assert.DoesNotContain(VaultTestBed.SecretId, ex.Message);
        Assert.Contains("token <redacted> lacks the policy", ex.Message);
    }

    [Fact]
    public async Task Logs_LoginSucceeded_IsLoggedWithoutSecrets()
    {
        await using var bed = new VaultTestBed();

        await bed.ConnectAsync();

        Assert.Equal(1, bed.Logger.Count(300));
        Assert.All(bed.Logger.Entries, e =>
        {
            Assert.DoesNotContain(VaultTestBed.SecretId, e.Message);
            Assert.DoesNotContain(ScriptedVaultHandler.LoginToken, e.Message);
        });
    }

    [Fact]
    public async Task Operations_InvalidToken_LogInAgainAndRepeatTheCallOnce()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", "/v1/auth/approle/login", 200, ScriptedVaultHandler.Token("hvs.B"));
        bed.Handler.On("GET", "/v1/kv/my-key", 200, """{"data":{"my-key":"v"}}""");
        bed.Handler.On(r => r.Path == "/v1/kv/my-key" && r.Token == ScriptedVaultHandler.LoginToken, _ => ScriptedVaultHandler.Answer(403, InvalidToken));

        Assert.Equal("v", Encoding.UTF8.GetString((await store.GetAsync("my-key", Ct))!));

        Assert.Equal([null, ScriptedVaultHandler.LoginToken], bed.Handler.Logins.Select(l => l.Token));
        Assert.Equal([ScriptedVaultHandler.LoginToken, "hvs.B"], bed.Handler.Calls.Select(c => c.Token));
        Assert.Equal(1, bed.Logger.Count(306));
    }

    [Fact]
    public async Task Operations_InvalidTokenAgain_ReLoginIsRateLimited()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 403, InvalidToken);
        bed.Handler.On("PUT", "/v1/auth/approle/login", _ => ScriptedVaultHandler.Answer(200, ScriptedVaultHandler.Token("hvs.N" + Guid.NewGuid().ToString("N"))));

        var first = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));
        await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.Contains("invalid token", first.Message);
        Assert.Equal(2, bed.Handler.Logins.Count);
        Assert.Equal(3, bed.Handler.Calls.Count);

        bed.Clock.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));
        Assert.Equal(3, bed.Handler.Logins.Count);
    }

    [Fact]
    public async Task Operations_PlainPermissionDenied_DoesNotLogInAgain()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/kv/my-key", 403, """{"errors":["1 error occurred:\n\t* permission denied\n\n"]}""");

        await Assert.ThrowsAsync<KeyStoreException>(async () => await store.GetAsync("my-key", Ct));

        Assert.Single(bed.Handler.Logins);
        Assert.Single(bed.Handler.Calls);
    }

    public static TheoryData<string, Action<VaultOptions>> InvalidOptions => new()
    {
        { "vault: endpoint is empty", o => o.Endpoint = null },
        { "vault: invalid endpoint 'ftp://vault.test/': use an https, http or unix URL", o => o.Endpoint = new Uri("ftp://vault.test/") },
        { "vault: invalid engine API version '3'", o => o.Version = (VaultKvVersion)3 },
        { "vault: no authentication method specified", o => o.AppRole = null },
        { "vault: more than one authentication method specified: approle and kubernetes configuration is present", o => o.Kubernetes = new VaultKubernetesOptions { Jwt = "j" } },
        { "vault: invalid approle config: no approle ID specified", o => o.AppRole!.Id = "" },
        { "vault: invalid approle config: no approle secret specified", o => o.AppRole!.Secret = "" },
        { "vault: invalid kubernetes config: no JWT specified", o => (o.AppRole, o.Kubernetes) = (null, new VaultKubernetesOptions { Role = "r" }) },
        { "vault: transit key name is empty", o => o.Transit = new VaultTransitOptions() },
        { "vault: invalid tls config: no TLS private key provided", o => o.Tls.ClientCertificateFile = "/tmp/cert.pem" },
        { "vault: invalid tls config: no TLS certificate provided", o => o.Tls.ClientKeyFile = "/tmp/key.pem" },
        { "vault: failed to open '/nonexistent/kesgw-ca.pem': no such file or directory", o => o.Tls.CaPath = "/nonexistent/kesgw-ca.pem" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task ConnectAsync_InvalidOptions_FailWithoutCallingVault(string message, Action<VaultOptions> change)
    {
        await using var bed = new VaultTestBed();
        change(bed.Options);

        var ex = await Assert.ThrowsAsync<KeyStoreException>(() => bed.ConnectAsync());

        Assert.Equal(message, ex.Message);
        Assert.Empty(bed.Handler.Requests);
    }

    [Theory]
    [InlineData("", "", null)]
    [InlineData("", "ns1", "ns1")]
    [InlineData("/", "ns1", null)]
    [InlineData("admin", "ns1", "admin")]
    [InlineData("admin/", "", "admin/")]
    public void NamespaceOfLogin_FollowsTheTable(string login, string keystore, string? expected) =>
        Assert.Equal(expected, VaultTokenManager.NamespaceOfLogin(login, keystore));
}

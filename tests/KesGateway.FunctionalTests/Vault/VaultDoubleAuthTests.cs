using KesGateway.Tests.Common.Vault;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>AppRole and Kubernetes logins (§5.1, §5.2, §11.2 #13–#14) with Vault's texts.</summary>
public sealed class VaultDoubleAuthTests
{
    [Theory]
    [InlineData("""{"role_id":"","secret_id":"s1"}""", "invalid credentials")]
    [InlineData("""{"secret_id":"s1"}""", "invalid credentials")]
    [InlineData("""{"role_id":"nope","secret_id":"s1"}""", "invalid role or secret ID")]
    [InlineData("""{"role_id":"r1","secret_id":"bad"}""", "invalid role or secret ID")]
    [InlineData("""{"role_id":"r1"}""", "missing secret_id")]
    [InlineData("""{"role_id":"r1","secret_id":"  "}""", "missing secret_id")]
    public async Task AppRoleLogin_BadCredentials_Is400WithVaultText(string body, string error)
    {
        await using var vault = await VaultDouble.StartAsync();
        SetupAppRole(vault);
        using var http = new VaultTestHttp(vault);

        var answer = await http.PutAsync("auth/approle/login", body);

        Assert.Equal(400, answer.Status);
        Assert.Equal([error], answer.Errors);
    }

    [Fact]
    public async Task AppRoleLogin_WithStaleToken_Succeeds()
    {
        await using var vault = await VaultDouble.StartAsync();
        SetupAppRole(vault);
        using var http = new VaultTestHttp(vault);
        var first = await http.LoginAsync("r1", "s1");
        vault.ExpireToken(first);

        var again = await http.PutAsync("auth/approle/login", """{"role_id":"r1","secret_id":"s1"}""", token: first);
        var garbage = await http.PutAsync("auth/approle/login", """{"role_id":"r1","secret_id":"s1"}""", token: "hvs.garbage");

        Assert.Equal(200, again.Status);
        Assert.Equal(200, garbage.Status);
        Assert.NotEqual(first, again.Json!["auth"]!["client_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppRoleLogin_FormEncodedAndPost_AreAccepted()
    {
        await using var vault = await VaultDouble.StartAsync();
        SetupAppRole(vault);
        using var http = new VaultTestHttp(vault);

        var form = await http.PostAsync("auth/approle/login", "role_id=r1&secret_id=s1");
        var json = await http.SendAsync("POST", "auth/approle/login", """{"role_id":"r1","secret_id":"s1"}""", contentType: "text/plain");

        Assert.Equal(200, form.Status);
        Assert.Equal(200, json.Status);
        Assert.Equal("approle", json.Json!["mount_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AppRoleLogin_SecretIdNumUsesExhausted_IsRejected()
    {
        await using var vault = await VaultDouble.StartAsync();
        SetupAppRole(vault);
        vault.WriteAppRole("kes", secretIdNumUses: 2);
        var secretId = vault.GenerateSecretId("kes");
        using var http = new VaultTestHttp(vault);

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await http.PutAsync("auth/approle/login", $$"""{"role_id":"r1","secret_id":"{{secretId}}"}""")).Status);
        }

        Assert.Equal([200, 200, 400], statuses);
    }

    [Fact]
    public async Task AppRoleLogin_SecretIdTtlPassedOnTheClock_IsRejected()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time });
        SetupAppRole(vault);
        vault.WriteAppRole("kes", secretIdTtl: TimeSpan.FromMinutes(10));
        var secretId = vault.GenerateSecretId("kes");
        using var http = new VaultTestHttp(vault);
        var body = $$"""{"role_id":"r1","secret_id":"{{secretId}}"}""";

        var valid = await http.PutAsync("auth/approle/login", body);
        time.Advance(TimeSpan.FromMinutes(10));
        var expired = await http.PutAsync("auth/approle/login", body);

        Assert.Equal(200, valid.Status);
        Assert.Equal(["invalid role or secret ID"], expired.Errors);
    }

    [Fact]
    public async Task AppRoleLogin_WithoutBindSecretId_NeedsOnlyTheRoleId()
    {
        await using var vault = await VaultDouble.StartAsync();
        SetupAppRole(vault);
        vault.WriteAppRole("kes", bindSecretId: false);
        using var http = new VaultTestHttp(vault);

        var answer = await http.PutAsync("auth/approle/login", """{"role_id":"r1"}""");

        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task AppRoleLogin_TtlAboveSystemMax_IsCappedWithWarning()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { MaxLeaseTtl = TimeSpan.FromHours(500) });
        SetupAppRole(vault);
        using var http = new VaultTestHttp(vault);

        var answer = await http.PutAsync("auth/approle/login", """{"role_id":"r1","secret_id":"s1"}""");

        Assert.Equal(1800000, answer.Json!["auth"]!["lease_duration"]!.GetValue<long>());
        Assert.Equal(["TTL of \"768h\" exceeded the effective max_ttl of \"500h\"; TTL value is capped accordingly"], answer.Warnings);
    }

    [Fact]
    public async Task AppRoleLogin_AtCustomMountInNamespace_Works()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.CreateNamespace("auth-ns");
        vault.EnableAppRole("kes-login", "auth-ns");
        vault.WriteAppRole("kes", policies: ["p"], mount: "kes-login", ns: "auth-ns");
        using var http = new VaultTestHttp(vault);

        var token = await http.LoginAsync(vault.ReadRoleId("kes", "kes-login", "auth-ns"), vault.GenerateSecretId("kes", "kes-login", "auth-ns"), "kes-login", "auth-ns");

        Assert.Equal("auth-ns/", vault.LookupToken(token)!.Namespace);
        Assert.Equal("auth/kes-login/login", vault.LookupToken(token)!.Path);
    }

    [Theory]
    [InlineData("""{"jwt":"jwt-a"}""", 400, "missing role")]
    [InlineData("""{"role":"kes"}""", 400, "missing jwt")]
    [InlineData("""{"role":"nope","jwt":"jwt-a"}""", 400, "invalid role name \"nope\"")]
    [InlineData("""{"role":"kes","jwt":"/var/run/secrets/kubernetes.io/serviceaccount/token"}""", 403, "permission denied")]
    [InlineData("""{"role":"kes","jwt":"jwt-other-name"}""", 403, "service account name not authorized")]
    [InlineData("""{"role":"kes","jwt":"jwt-other-namespace"}""", 403, "namespace not authorized")]
    public async Task KubernetesLogin_Rejected_AnswersVaultText(string body, int status, string error)
    {
        await using var vault = await VaultDouble.StartAsync();
        SetupKubernetes(vault);
        using var http = new VaultTestHttp(vault);

        var answer = await http.PutAsync("auth/kubernetes/login", body);

        Assert.Equal(status, answer.Status);
        Assert.Equal([error], answer.Errors);
    }

    [Fact]
    public async Task KubernetesLogin_AcceptedJwt_IssuesTokenWithServiceAccountMetadata()
    {
        await using var vault = await VaultDouble.StartAsync();
        SetupKubernetes(vault);
        using var http = new VaultTestHttp(vault);

        var answer = await http.PutAsync("auth/kubernetes/login", """{"jwt":"jwt-a","role":"kes"}""");
        vault.RemoveKubernetesJwt("jwt-a");
        var rotated = await http.PutAsync("auth/kubernetes/login", """{"jwt":"jwt-a","role":"kes"}""");

        Assert.Equal(200, answer.Status);
        var auth = answer.Json!["auth"]!;
        Assert.Equal(["default", "kes-policy"], auth["policies"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("kes", auth["metadata"]!["service_account_name"]!.GetValue<string>());
        Assert.Equal("minio", auth["metadata"]!["service_account_namespace"]!.GetValue<string>());
        Assert.Equal("uid-1", auth["metadata"]!["service_account_uid"]!.GetValue<string>());
        Assert.Equal("kes", auth["metadata"]!["role"]!.GetValue<string>());
        Assert.Equal("kubernetes", answer.Json!["mount_type"]!.GetValue<string>());
        Assert.Equal(403, rotated.Status);
    }

    private static void SetupAppRole(VaultDouble vault)
    {
        vault.EnableAppRole();
        vault.WriteAppRole("kes", policies: ["kes-policy"]);
        vault.SetRoleId("kes", "r1");
        vault.AddSecretId("kes", "s1");
    }

    private static void SetupKubernetes(VaultDouble vault)
    {
        vault.EnableKubernetes();
        vault.WriteKubernetesRole("kes", ["kes"], ["minio"], policies: ["kes-policy"], tokenTtl: TimeSpan.FromHours(1));
        vault.AddKubernetesJwt("jwt-a", "kes", "minio", "uid-1");
        vault.AddKubernetesJwt("jwt-other-name", "other", "minio");
        vault.AddKubernetesJwt("jwt-other-namespace", "kes", "default");
    }
}

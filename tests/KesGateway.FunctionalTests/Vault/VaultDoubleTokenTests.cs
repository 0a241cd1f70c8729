using KesGateway.Tests.Common.Vault;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>The token store (§11.2 #12, §9.7): 403 texts, expiry on the clock, renew-self capping, lookup-self, token faults.</summary>
public sealed class VaultDoubleTokenTests
{
    private const string InvalidToken = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";

    [Fact]
    public async Task Request_WithoutToken_Is403PermissionDenied()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv");
        using var http = new VaultTestHttp(vault);

        var answer = await http.GetAsync("kv/a");

        Assert.Equal(403, answer.Status);
        Assert.Equal("""{"errors":["permission denied"]}""", answer.Text.Trim());
    }

    [Fact]
    public async Task Request_WithUnknownToken_Is403InvalidToken()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv");
        using var http = new VaultTestHttp(vault);

        var answer = await http.GetAsync("kv/a", token: "hvs.nonsense");

        Assert.Equal(403, answer.Status);
        Assert.Equal([InvalidToken], answer.Errors);
    }

    [Fact]
    public async Task Request_WithUnknownTokenAndLegacyOption_IsPlainPermissionDenied()
    {
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { LegacyInvalidTokenError = true });
        vault.EnableKv("kv");
        using var http = new VaultTestHttp(vault);

        var answer = await http.GetAsync("kv/a", token: "hvs.nonsense");

        Assert.Equal(["permission denied"], answer.Errors);
    }

    [Fact]
    public async Task Token_AfterItsTtlOnTheClock_IsInvalid()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time });
        var (roleId, secretId) = VaultTutorial.Setup(vault, 1, VaultSeedPolicies.KvV1);
        using var http = new VaultTestHttp(vault);
        http.Token = await http.LoginAsync(roleId, secretId);

        time.Advance(TimeSpan.FromSeconds(299));
        var before = await http.GetAsync("kv?list=true");
        time.Advance(TimeSpan.FromSeconds(1));
        var after = await http.GetAsync("kv?list=true");

        Assert.Equal(404, before.Status);
        Assert.Equal(403, after.Status);
        Assert.Equal([InvalidToken], after.Errors);
        Assert.True(vault.LookupToken(http.Token)!.Expired);
    }

    [Fact]
    public async Task RenewSelf_PeriodicTutorialRole_RenewsToThePeriodBeyondAnyMaxTtl()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time, MaxLeaseTtl = TimeSpan.FromMinutes(10) });
        var (roleId, secretId) = VaultTutorial.Setup(vault, 1, VaultSeedPolicies.KvV1);
        using var http = new VaultTestHttp(vault);
        http.Token = await http.LoginAsync(roleId, secretId);

        VaultAnswer renew = null!;
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromMinutes(4));
            renew = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");
            Assert.Equal(200, renew.Status);
        }

        Assert.Equal(300, renew.Json!["auth"]!["lease_duration"]!.GetValue<long>());
        Assert.Empty(renew.Warnings);
        Assert.Equal(TimeSpan.FromMinutes(5), vault.LookupToken(http.Token)!.Period);
    }

    [Fact]
    public async Task RenewSelf_NearTokenMaxTtl_IsCappedWithWarning()
    {
        // The worked example of §5.4: token_ttl=1h, token_max_ttl=2h, renewals at 2880 s and 5790 s.
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time });
        VaultTutorial.Setup(vault, 1, VaultSeedPolicies.KvV1);
        vault.WriteAppRole("kes-server", period: TimeSpan.Zero, tokenTtl: TimeSpan.FromHours(1), tokenMaxTtl: TimeSpan.FromHours(2));
        using var http = new VaultTestHttp(vault);
        http.Token = await http.LoginAsync(vault.ReadRoleId("kes-server"), vault.GenerateSecretId("kes-server"));

        time.Advance(TimeSpan.FromSeconds(2880));
        var first = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");
        time.Advance(TimeSpan.FromSeconds(2910));
        var capped = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");
        time.Advance(TimeSpan.FromSeconds(1410));
        var expired = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");

        Assert.Equal(3600, first.Json!["auth"]!["lease_duration"]!.GetValue<long>());
        Assert.Empty(first.Warnings);
        Assert.Equal(200, capped.Status);
        Assert.Equal(1410, capped.Json!["auth"]!["lease_duration"]!.GetValue<long>());
        Assert.Equal(["TTL of \"1h\" exceeded the effective max_ttl of \"23m30s\"; TTL value is capped accordingly"], capped.Warnings);
        Assert.Equal(403, expired.Status);
        Assert.Equal([InvalidToken], expired.Errors);
    }

    [Fact]
    public async Task RenewSelf_WithIncrement_UsesItUpToTheMax()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time });
        var token = vault.CreateToken(["p"], ttl: TimeSpan.FromMinutes(10), maxTtl: TimeSpan.FromMinutes(30));
        using var http = new VaultTestHttp(vault) { Token = token };

        var seconds = await http.PutAsync("auth/token/renew-self", """{"increment":120}""");
        var text = await http.PutAsync("auth/token/renew-self", """{"increment":"1h"}""");

        Assert.Equal(120, seconds.Json!["auth"]!["lease_duration"]!.GetValue<long>());
        Assert.Equal(1800, text.Json!["auth"]!["lease_duration"]!.GetValue<long>());
        Assert.Single(text.Warnings);
    }

    [Fact]
    public async Task RenewSelf_BatchToken_Is400()
    {
        await using var vault = await VaultDouble.StartAsync();
        VaultTutorial.Setup(vault, 1, VaultSeedPolicies.KvV1);
        vault.WriteAppRole("kes-server", tokenType: "batch");
        using var http = new VaultTestHttp(vault);
        var login = await http.PutAsync("auth/approle/login", $$"""{"role_id":"{{vault.ReadRoleId("kes-server")}}","secret_id":"{{vault.GenerateSecretId("kes-server")}}"}""");
        var token = login.Json!["auth"]!["client_token"]!.GetValue<string>();

        var renew = await http.PutAsync("auth/token/renew-self", """{"increment":0}""", token);

        Assert.StartsWith("hvb.", token, StringComparison.Ordinal);
        Assert.False(login.Json!["auth"]!["renewable"]!.GetValue<bool>());
        Assert.Equal("batch", login.Json!["auth"]!["token_type"]!.GetValue<string>());
        Assert.Equal(400, renew.Status);
        Assert.Equal(["batch tokens cannot be renewed"], renew.Errors);
    }

    [Fact]
    public async Task RenewSelf_AfterRoleDeleted_Is400()
    {
        await using var vault = await VaultDouble.StartAsync();
        var (roleId, secretId) = VaultTutorial.Setup(vault, 1, VaultSeedPolicies.KvV1);
        using var http = new VaultTestHttp(vault);
        http.Token = await http.LoginAsync(roleId, secretId);
        vault.DeleteAppRole("kes-server");

        var renew = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");
        var list = await http.GetAsync("kv?list=true");

        Assert.Equal(400, renew.Status);
        Assert.Equal(["role \"kes-server\" does not exist during renewal"], renew.Errors);
        Assert.Equal(404, list.Status);
    }

    [Fact]
    public async Task LookupSelf_AfterLogin_ReportsTheToken()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time });
        var (roleId, secretId) = VaultTutorial.Setup(vault, 1, VaultSeedPolicies.KvV1);
        using var http = new VaultTestHttp(vault);
        http.Token = await http.LoginAsync(roleId, secretId);
        time.Advance(TimeSpan.FromSeconds(100));

        var answer = await http.GetAsync("auth/token/lookup-self");

        Assert.Equal(200, answer.Status);
        var data = answer.Data!;
        Assert.Equal(http.Token, data["id"]!.GetValue<string>());
        Assert.Equal(200, data["ttl"]!.GetValue<long>());
        Assert.Equal(300, data["creation_ttl"]!.GetValue<long>());
        Assert.Equal(300, data["period"]!.GetValue<long>());
        Assert.Equal("auth/approle/login", data["path"]!.GetValue<string>());
        Assert.Equal("approle", data["display_name"]!.GetValue<string>());
        Assert.Equal(["default", "kes-policy"], data["policies"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("kes-server", data["meta"]!["role_name"]!.GetValue<string>());
        Assert.Equal("service", data["type"]!.GetValue<string>());
        Assert.Equal(VaultTutorial.Start.ToUnixTimeSeconds(), data["creation_time"]!.GetValue<long>());
        Assert.Equal("2025-01-30T09:46:53Z", data["expire_time"]!.GetValue<string>());
    }

    [Fact]
    public async Task RevokeSelf_ThenAnyRequest_IsInvalidToken()
    {
        await using var vault = await VaultDouble.StartAsync();
        var token = vault.CreateToken(["p"]);
        using var http = new VaultTestHttp(vault) { Token = token };

        var revoke = await http.PutAsync("auth/token/revoke-self", string.Empty);
        var lookup = await http.GetAsync("auth/token/lookup-self");

        Assert.Equal(204, revoke.Status);
        Assert.Equal([InvalidToken], lookup.Errors);
    }

    [Fact]
    public async Task ExpireTokenAndRevokeToken_OutOfBand_InvalidateTheToken()
    {
        await using var vault = await VaultDouble.StartAsync();
        var expiring = vault.CreateToken(["p"]);
        var revoked = vault.CreateToken(["p"]);
        using var http = new VaultTestHttp(vault);

        vault.ExpireToken(expiring);
        vault.RevokeToken(revoked);

        Assert.Equal([InvalidToken], (await http.GetAsync("auth/token/lookup-self", expiring)).Errors);
        Assert.Equal([InvalidToken], (await http.GetAsync("auth/token/lookup-self", revoked)).Errors);
        Assert.True(vault.LookupToken(revoked)!.Revoked);
    }

    [Fact]
    public async Task ShrinkTokenMaxTtl_NextRenewal_IsCappedWithWarning()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time });
        var token = vault.CreateToken(["p"], ttl: TimeSpan.FromHours(1));
        using var http = new VaultTestHttp(vault) { Token = token };

        vault.ShrinkTokenMaxTtl(token, TimeSpan.FromMinutes(21));
        var renew = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");

        Assert.Equal(1260, renew.Json!["auth"]!["lease_duration"]!.GetValue<long>());
        Assert.Equal(["TTL of \"1h\" exceeded the effective max_ttl of \"21m\"; TTL value is capped accordingly"], renew.Warnings);
    }

    [Fact]
    public async Task FailRenewals_ThenCleared_RenewSelfFailsThenWorks()
    {
        await using var vault = await VaultDouble.StartAsync();
        var token = vault.CreateToken(["p"]);
        using var http = new VaultTestHttp(vault) { Token = token };

        vault.FailRenewals(token, 500, "internal error");
        var failed = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");
        vault.FailRenewals(token, null);
        var renewed = await http.PutAsync("auth/token/renew-self", """{"increment":0}""");

        Assert.Equal(500, failed.Status);
        Assert.Equal(["internal error"], failed.Errors);
        Assert.Equal(200, renewed.Status);
    }

    [Fact]
    public async Task TokenReplicationLag_NewTokenIsInvalidUntilReplicated()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time });
        var (roleId, secretId) = VaultTutorial.Setup(vault, 1, VaultSeedPolicies.KvV1);
        vault.TokenReplicationLag = TimeSpan.FromSeconds(5);
        using var http = new VaultTestHttp(vault);
        http.Token = await http.LoginAsync(roleId, secretId);

        var early = await http.GetAsync("kv?list=true");
        time.Advance(TimeSpan.FromSeconds(5));
        var replicated = await http.GetAsync("kv?list=true");

        Assert.Equal([InvalidToken], early.Errors);
        Assert.Equal(404, replicated.Status);
    }

    [Fact]
    public async Task NumUses_LastUse_RevokesTheToken()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv");
        vault.WritePolicy("p", VaultSeedPolicies.KvV1);
        var token = vault.CreateToken(["p"], numUses: 2);
        using var http = new VaultTestHttp(vault) { Token = token };

        var first = await http.GetAsync("kv/a");
        var second = await http.GetAsync("kv/a");
        var third = await http.GetAsync("kv/a");

        Assert.Equal(404, first.Status);
        Assert.Equal(404, second.Status);
        Assert.Equal([InvalidToken], third.Errors);
    }

    [Fact]
    public async Task Token_FromChildNamespace_IsInvalidInParentAndSibling()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.CreateNamespace("ns1");
        vault.CreateNamespace("ns2");
        var token = vault.CreateToken(["default"], ns: "ns1");
        using var http = new VaultTestHttp(vault) { Token = token };

        var own = await http.GetAsync("auth/token/lookup-self", ns: "ns1");
        var parent = await http.GetAsync("auth/token/lookup-self");
        var sibling = await http.GetAsync("auth/token/lookup-self", ns: "ns2");

        Assert.Equal(200, own.Status);
        Assert.Equal("ns1/", own.Data!["namespace_path"]!.GetValue<string>());
        Assert.Equal([InvalidToken], parent.Errors);
        Assert.Equal([InvalidToken], sibling.Errors);
    }
}

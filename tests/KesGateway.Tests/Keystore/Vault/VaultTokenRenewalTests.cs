using KesGateway.Core.Keystore.Vault;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>The renewal timeline of vault-compat §5.4 with its recommendations, on a fake clock.</summary>
public sealed class VaultTokenRenewalTests
{
    private const string RenewSelf = "/v1/auth/token/renew-self";
    private const string Login = "/v1/auth/approle/login";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Renewal_At80PercentOfTheTtl_RenewsSelfAndSchedulesTheNextFromTheNewTtl()
    {
        await using var bed = new VaultTestBed(@namespace: "ns1");
        bed.Options.AppRole!.Namespace = "/";
        var store = await bed.ConnectAsync();
        var start = bed.Clock.GetUtcNow();
        bed.Handler.On("PUT", RenewSelf, 200, ScriptedVaultHandler.Token(ScriptedVaultHandler.LoginToken, ttl: 1000));

        await bed.RenewalWaitingAsync(0);
        Assert.Equal(TimeSpan.FromSeconds(2880), store.Tokens.LastWait);
        bed.Clock.Advance(TimeSpan.FromSeconds(2879));
        await Task.Delay(50, Ct);
        Assert.Empty(bed.Handler.To(RenewSelf));

        bed.Clock.Advance(TimeSpan.FromSeconds(1));
        var renew = await bed.Handler.WaitForAsync(r => r.Path == RenewSelf);

        Assert.Equal(("PUT", """{"increment":0}""", ScriptedVaultHandler.LoginToken), (renew.Method, renew.Body, renew.Token));
        Assert.Null(renew.Namespace);
        Assert.Equal(start + TimeSpan.FromSeconds(2880), renew.At);
        await bed.RenewalWaitingAsync(1);
        Assert.Equal(TimeSpan.FromSeconds(800), store.Tokens.LastWait);
        Assert.Single(bed.Handler.Logins);
    }

    [Fact]
    public async Task Renewal_CappedBelow30Seconds_LogsInAtOnceAndSwitchesBeforeTheOldTokenExpires()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", RenewSelf, 200, ScriptedVaultHandler.Token(ScriptedVaultHandler.LoginToken, ttl: 20));
        bed.Handler.On("PUT", Login, 200, ScriptedVaultHandler.Token("hvs.B"));
        await bed.RenewalWaitingAsync(0);

        bed.Clock.Advance(TimeSpan.FromSeconds(2880));
        var relogin = await bed.Handler.WaitForAsync(r => r.Path == Login, count: 2);

        Assert.Equal(bed.Handler.To(RenewSelf).Single().At, relogin.At);
        Assert.Equal(1, bed.Logger.Count(304));

        // The switch waits for replication, but at most half of what the capped token has left (20 s).
        await bed.RenewalWaitingAsync(1);
        Assert.Equal(TimeSpan.FromSeconds(10), store.Tokens.LastWait);
        Assert.Equal(ScriptedVaultHandler.LoginToken, store.Tokens.Token);
        bed.Clock.Advance(TimeSpan.FromSeconds(10));
        await ScriptedVaultHandler.Until(() => store.Tokens.Token == "hvs.B", "the new token");
    }

    [Theory]
    [InlineData(3600, 30)]
    [InlineData(100, 10)]
    public async Task Renewal_RefusedWith4xx_LogsInAndSwitchesAfterTheReplicationDelay(int newTtl, int delaySeconds)
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", RenewSelf, 403, """{"errors":["permission denied"]}""");
        bed.Handler.On("PUT", Login, 200, ScriptedVaultHandler.Token("hvs.B", ttl: newTtl));
        await bed.RenewalWaitingAsync(0);

        bed.Clock.Advance(TimeSpan.FromSeconds(2880));
        await bed.Handler.WaitForAsync(r => r.Path == Login, count: 2);
        await bed.RenewalWaitingAsync(1);

        Assert.Single(bed.Handler.To(RenewSelf));
        Assert.Equal(TimeSpan.FromSeconds(delaySeconds), store.Tokens.LastWait);
        Assert.Equal(ScriptedVaultHandler.LoginToken, store.Tokens.Token);
        bed.Clock.Advance(TimeSpan.FromSeconds(delaySeconds) - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50, Ct);
        Assert.Equal(ScriptedVaultHandler.LoginToken, store.Tokens.Token);
        bed.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await ScriptedVaultHandler.Until(() => store.Tokens.Token == "hvs.B", "the switch to the new token");
        Assert.Equal(1, bed.Logger.Count(303));
        Assert.Equal(1, bed.Logger.Count(305));
    }

    [Fact]
    public async Task Renewal_TokenRejectedAsInvalid_SwitchesToTheNewTokenAtOnce()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", RenewSelf, 403, """{"errors":["2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"]}""");
        bed.Handler.On("PUT", Login, 200, ScriptedVaultHandler.Token("hvs.B"));
        await bed.RenewalWaitingAsync(0);

        bed.Clock.Advance(TimeSpan.FromSeconds(2880));

        await ScriptedVaultHandler.Until(() => store.Tokens.Token == "hvs.B", "the new token");
        Assert.Equal(2, bed.Handler.Logins.Count);
    }

    [Fact]
    public async Task Renewal_ServerErrors_AreTriedThreeTimesThenLogsIn()
    {
        await using var bed = new VaultTestBed();
        await bed.ConnectAsync();
        bed.Handler.On("PUT", RenewSelf, 500, """{"errors":["internal error"]}""");
        await bed.RenewalWaitingAsync(0);

        bed.Clock.Advance(TimeSpan.FromSeconds(2880));
        await bed.Handler.WaitForAsync(r => r.Path == Login, count: 2);

        Assert.Equal(3, bed.Handler.To(RenewSelf).Count);
    }

    [Fact]
    public async Task Renewal_LoginKeepsFailing_IsRetriedEveryThreeSeconds()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        var start = bed.Clock.GetUtcNow();
        bed.Handler.On("PUT", RenewSelf, 403, """{"errors":["permission denied"]}""");
        bed.Handler.On("PUT", Login, 200, ScriptedVaultHandler.Token("hvs.B"));
        bed.Handler.On("PUT", Login, 400, """{"errors":["invalid role or secret ID"]}""", times: 3);
        await bed.RenewalWaitingAsync(0);

        bed.Clock.Advance(TimeSpan.FromSeconds(2880));
        for (var login = 2; login <= 4; login++)
        {
            await bed.Handler.WaitForAsync(r => r.Path == Login, count: login);
            await bed.RenewalWaitingAsync(login - 1);
            Assert.Equal(TimeSpan.FromSeconds(3), store.Tokens.LastWait);
            bed.Clock.Advance(TimeSpan.FromSeconds(3));
        }

        await bed.Handler.WaitForAsync(r => r.Path == Login, count: 5);
        await ScriptedVaultHandler.Until(() => store.Tokens.Token == "hvs.B", "the new token");
        Assert.Equal(
            [0, 2880, 2883, 2886, 2889],
            bed.Handler.Logins.Select(l => (int)(l.At - start).TotalSeconds));
        Assert.Equal(3, bed.Logger.Count(301));
    }

    [Fact]
    public async Task Renewal_LoginRetryIntervalConfigured_IsHonoured()
    {
        await using var bed = new VaultTestBed();
        bed.Options.LoginRetryInterval = TimeSpan.FromSeconds(15);
        var store = await bed.ConnectAsync();
        bed.Handler.On("PUT", RenewSelf, 403, """{"errors":["permission denied"]}""");
        bed.Handler.On("PUT", Login, 200, ScriptedVaultHandler.Token("hvs.B"));
        bed.Handler.On("PUT", Login, 400, """{"errors":["invalid role or secret ID"]}""", times: 1);
        await bed.RenewalWaitingAsync(0);

        bed.Clock.Advance(TimeSpan.FromSeconds(2880));
        await bed.Handler.WaitForAsync(r => r.Path == Login, count: 2);
        await bed.RenewalWaitingAsync(1);

        Assert.Equal(TimeSpan.FromSeconds(15), store.Tokens.LastWait);
    }

    [Fact]
    public async Task Renewal_NonRenewableToken_LogsInAt80Percent()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On("PUT", Login, 200, ScriptedVaultHandler.Token(ScriptedVaultHandler.LoginToken, ttl: 1000, renewable: false));
        await bed.ConnectAsync();
        await bed.RenewalWaitingAsync(0);

        bed.Clock.Advance(TimeSpan.FromSeconds(800));
        await bed.Handler.WaitForAsync(r => r.Path == Login, count: 2);

        Assert.Empty(bed.Handler.To(RenewSelf));
    }

    [Fact]
    public async Task Renewal_TokenWithoutTtl_IsNeverRenewed()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On("PUT", Login, 200, ScriptedVaultHandler.Token(ScriptedVaultHandler.LoginToken, ttl: 0));
        var store = await bed.ConnectAsync();
        await bed.RenewalWaitingAsync(0);

        bed.Clock.Advance(TimeSpan.FromDays(30));
        await Task.Delay(50, Ct);

        Assert.Empty(bed.Handler.To(RenewSelf));
        Assert.Single(bed.Handler.Logins);
        Assert.Equal(Timeout.InfiniteTimeSpan, store.Tokens.LastWait);
        Assert.Equal(1, bed.Logger.Count(310));
    }

    [Fact]
    public async Task Renewal_WhileSealed_Idles()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", "/v1/sys/health", 200, ScriptedVaultHandler.Health(@sealed: true));
        bed.Clock.Advance(TimeSpan.FromSeconds(15));
        await ScriptedVaultHandler.Until(() => store.Seal.IsSealed, "the sealed flag");

        await AdvanceAsync(bed, TimeSpan.FromSeconds(3000), TimeSpan.FromSeconds(100));
        Assert.Empty(bed.Handler.To(RenewSelf));
        Assert.Single(bed.Handler.Logins);

        bed.Handler.On("GET", "/v1/sys/health", 200, ScriptedVaultHandler.Health());
        bed.Handler.On("PUT", RenewSelf, 200, ScriptedVaultHandler.Token(ScriptedVaultHandler.LoginToken));
        await AdvanceAsync(bed, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1));
        await bed.Handler.WaitForAsync(r => r.Path == RenewSelf);
    }

    [Fact]
    public async Task Renewal_AfterAnInvalidTokenLogin_IsRescheduledFromTheNewToken()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        var start = bed.Clock.GetUtcNow();
        await bed.RenewalWaitingAsync(0);
        bed.Clock.Advance(TimeSpan.FromSeconds(1000));
        bed.Handler.On("PUT", Login, 200, ScriptedVaultHandler.Token("hvs.B"));
        bed.Handler.On(r => r.Path == "/v1/kv/my-key" && r.Token == ScriptedVaultHandler.LoginToken,
            _ => ScriptedVaultHandler.Answer(403, """{"errors":["2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"]}"""));
        Assert.Null(await store.GetAsync("my-key", Ct));
        bed.Handler.On("PUT", RenewSelf, 200, ScriptedVaultHandler.Token("hvs.B"));
        await bed.RenewalWaitingAsync(1);
        Assert.Equal(TimeSpan.FromSeconds(2880), store.Tokens.LastWait);

        bed.Clock.Advance(TimeSpan.FromSeconds(1880));
        await Task.Delay(50, Ct);
        Assert.Empty(bed.Handler.To(RenewSelf));
        bed.Clock.Advance(TimeSpan.FromSeconds(1000));
        var renew = await bed.Handler.WaitForAsync(r => r.Path == RenewSelf);

        Assert.Equal("hvs.B", renew.Token);
        Assert.Equal(start + TimeSpan.FromSeconds(3880), renew.At);
    }

    [Fact]
    public async Task Renewal_KubernetesJwtFile_IsReadAgainForTheFallbackLogin()
    {
        var file = Path.Combine(Path.GetTempPath(), "kesgw-jwt-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, "jwt-one", Ct);
        try
        {
            await using var bed = new VaultTestBed();
            bed.Options.AppRole = null;
            bed.Options.Kubernetes = new VaultKubernetesOptions { Role = "kes", JwtFile = file };
            bed.Handler.On("PUT", RenewSelf, 403, """{"errors":["permission denied"]}""");
            await bed.ConnectAsync();
            await bed.RenewalWaitingAsync(0);
            await File.WriteAllTextAsync(file, "jwt-rotated", Ct);

            bed.Clock.Advance(TimeSpan.FromSeconds(2880));
            var login = await bed.Handler.WaitForAsync(r => r.Path == "/v1/auth/kubernetes/login", count: 2);

            Assert.Equal("""{"jwt":"jwt-rotated","role":"kes"}""", login.Body);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task AdvanceAsync(VaultTestBed bed, TimeSpan total, TimeSpan step)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += step)
        {
            bed.Clock.Advance(step);
            await Task.Delay(5);
        }
    }
}

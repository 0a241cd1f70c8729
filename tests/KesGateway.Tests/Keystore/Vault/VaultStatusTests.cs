using System.Net.Sockets;
using System.Security.Authentication;
using KesGateway.Core.Keystore;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>Status and the seal check (vault-compat §4.5, §7).</summary>
public sealed class VaultStatusTests
{
    private const string Health = "/v1/sys/health";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StatusAsync_AsksHealthWithKesQueryAndNoNamespace()
    {
        await using var bed = new VaultTestBed(@namespace: "ns1");
        var store = await bed.ConnectAsync();

        await store.StatusAsync(Ct);

        var probe = bed.Handler.To(Health)[^1];
        Assert.Equal("GET", probe.Method);
        Assert.Equal("drsecondarycode=299&performancestandbycode=299&sealedcode=299&standbycode=299&uninitcode=299", probe.Query);
        Assert.Null(probe.Namespace);
        Assert.Equal(ScriptedVaultHandler.LoginToken, probe.Token);
    }

    [Theory]
    [InlineData(200, false)]
    [InlineData(299, true)]
    [InlineData(429, true)]
    [InlineData(473, true)]
    public async Task StatusAsync_ActiveOrStandby_IsReachable(int status, bool standby)
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", Health, status, ScriptedVaultHandler.Health(standby: standby));

        if (status == 473)
        {
            // The Go SDK accepts 200–399 and 429 only; KES's query maps every standby state to 299 anyway.
            await Assert.ThrowsAsync<KeyStoreException>(async () => await store.StatusAsync(Ct));
        }
        else
        {
            await store.StatusAsync(Ct);
        }
    }

    [Theory]
    [InlineData(false, true, "vault: not initialized")]
    [InlineData(true, true, "vault: key store is sealed")]
    public async Task StatusAsync_NotInitializedOrSealed_IsUnreachable(bool initialized, bool @sealed, string message)
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", Health, 299, ScriptedVaultHandler.Health(initialized, @sealed));

        var ex = await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await store.StatusAsync(Ct));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task StatusAsync_SeesSealed_OperationsFailFastFromThenOn()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", Health, 299, ScriptedVaultHandler.Health(@sealed: true));

        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await store.StatusAsync(Ct));

        Assert.True(store.Seal.IsSealed);
        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await store.GetAsync("my-key", Ct));
        Assert.Empty(bed.Handler.Calls);
    }

    [Fact]
    public async Task StatusAsync_ConnectionRefused_IsUnreachable()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", Health, _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (vault.test:8200)", new SocketException((int)SocketError.ConnectionRefused)));

        var ex = await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await store.StatusAsync(Ct));

        Assert.StartsWith("vault: no connection to https://vault.test:8200: GET https://vault.test:8200/v1/sys/health?", ex.Message);
    }

    [Fact]
    public async Task StatusAsync_ServerErrors_AreAPlainErrorAfterThreeAttempts()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        var before = bed.Handler.To(Health).Count;
        bed.Handler.On("GET", Health, 502, "<html>Bad Gateway</html>");

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.StatusAsync(Ct));

        Assert.IsNotType<KeyStoreUnreachableException>(ex);
        Assert.StartsWith("vault: failed to check health: Error making API request.", ex.Message);
        Assert.Equal(before + 3, bed.Handler.To(Health).Count);
    }

    [Theory]
    [InlineData(404, """{"errors":["unsupported path"]}""")]
    [InlineData(200, "not json")]
    [InlineData(200, """{"version":"1.15"}""")]
    public async Task StatusAsync_NotAHealthReport_IsAPlainError(int status, string body)
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", Health, _ => ScriptedVaultHandler.Answer(status, body));

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.StatusAsync(Ct));

        Assert.IsNotType<KeyStoreUnreachableException>(ex);
    }

    [Fact]
    public async Task StatusAsync_TlsFailure_IsAPlainError()
    {
        await using var bed = new VaultTestBed();
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", Health, _ => throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.", new AuthenticationException("bad certificate")));

        var ex = await Assert.ThrowsAsync<KeyStoreException>(async () => await store.StatusAsync(Ct));

        Assert.IsNotType<KeyStoreUnreachableException>(ex);
        Assert.Equal("vault: GET https://vault.test:8200/v1/sys/health?drsecondarycode=299&performancestandbycode=299&sealedcode=299&standbycode=299&uninitcode=299: tls: bad certificate", ex.Message);
    }

    [Fact]
    public async Task SealCheck_ProbesAtOnceThenEveryStatusPing()
    {
        await using var bed = new VaultTestBed();
        bed.Options.StatusPing = TimeSpan.FromSeconds(5);
        var store = await bed.ConnectAsync();
        var start = bed.Clock.GetUtcNow();

        for (var probe = 2; probe <= 3; probe++)
        {
            await ScriptedVaultHandler.Until(() => store.Seal.Waits >= probe - 1, "the seal check's wait");
            bed.Clock.Advance(TimeSpan.FromSeconds(5));
            await bed.Handler.WaitForAsync(r => r.Path == Health, count: probe);
        }

        Assert.Equal([0, 5, 10], bed.Handler.To(Health).Select(h => (int)(h.At - start).TotalSeconds));
        Assert.All(bed.Handler.To(Health), h => Assert.Null(h.Namespace));
    }

    [Fact]
    public async Task SealCheck_Sealed_ShortCircuitsEveryOperationWithoutCallingVault()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On("GET", Health, 299, ScriptedVaultHandler.Health(@sealed: true));
        var store = await bed.ConnectAsync();
        Assert.True(store.Seal.IsSealed);

        Func<Task>[] operations =
        [
            async () => await store.CreateAsync("my-key", "v"u8.ToArray(), Ct),
            async () => await store.GetAsync("my-key", Ct),
            async () => await store.DeleteAsync("my-key", Ct),
            async () => await store.ListAsync("", Ct),
        ];
        foreach (var operation in operations)
        {
            var ex = await Assert.ThrowsAsync<KeyStoreUnreachableException>(operation);
            Assert.Equal("vault: key store is sealed", ex.Message);
        }

        Assert.Empty(bed.Handler.Calls);
    }

    [Fact]
    public async Task SealCheck_Transitions_AreLoggedOnceEach()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On("GET", Health, 299, ScriptedVaultHandler.Health(@sealed: true));
        var store = await bed.ConnectAsync();
        await ProbeAsync(bed, 2);
        await ProbeAsync(bed, 3);
        Assert.Equal(1, bed.Logger.Count(307));

        bed.Handler.On("GET", Health, 200, ScriptedVaultHandler.Health());
        await ProbeAsync(bed, 4);
        await ProbeAsync(bed, 5);
        await ScriptedVaultHandler.Until(() => !store.Seal.IsSealed, "the unsealed flag");

        Assert.Equal(1, bed.Logger.Count(308));
        Assert.Null(await store.GetAsync("my-key", Ct));
    }

    [Fact]
    public async Task SealCheck_ProbeFailsAfterSealed_KeepsTheSealedFlag()
    {
        await using var bed = new VaultTestBed();
        bed.Handler.On("GET", Health, 299, ScriptedVaultHandler.Health(@sealed: true));
        var store = await bed.ConnectAsync();
        bed.Handler.On("GET", Health, _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));

        await ProbeAsync(bed, 2, attemptsPerProbe: 3);

        Assert.True(store.Seal.IsSealed);
        await Assert.ThrowsAsync<KeyStoreUnreachableException>(async () => await store.GetAsync("my-key", Ct));
    }

    private static async Task ProbeAsync(VaultTestBed bed, int probe, int attemptsPerProbe = 1)
    {
        await ScriptedVaultHandler.Until(() => bed.Store.Seal.Waits >= probe - 1, "the seal check's wait");
        var before = bed.Handler.To(Health).Count;
        bed.Clock.Advance(bed.Options.StatusPing);
        await bed.Handler.WaitForAsync(r => r.Path == Health, count: before + attemptsPerProbe);
        await ScriptedVaultHandler.Until(() => bed.Store.Seal.Probes >= probe, "the probe to finish");
    }
}

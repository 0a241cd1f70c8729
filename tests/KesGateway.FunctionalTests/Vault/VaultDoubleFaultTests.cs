using System.Net.Sockets;
using KesGateway.Tests.Common.Vault;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.Vault;

/// <summary>Failure injection (§11.3): status, connection, latency, token and out-of-band faults.</summary>
public sealed class VaultDoubleFaultTests
{
    [Fact]
    public async Task StatusFault_ForThreeRequests_ThenNormalService()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        var rule = vault.Faults.Add(VaultRequestMatch.ForPath("kv/*"), VaultFault.Status(503, "service unavailable"), times: 3);

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await http.GetAsync("kv/tenant-1/my-key")).Status);
        }

        Assert.Equal([503, 503, 503, 200], statuses);
        Assert.Equal(3, rule.Hits);
        Assert.Equal(0, rule.Remaining);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    [InlineData(412)]
    public async Task StatusFault_UntilRemoved_AnswersJsonErrors(int status)
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        var rule = vault.Faults.Add(VaultRequestMatch.Any, VaultFault.Status(status));

        var first = await http.GetAsync("kv/tenant-1/my-key");
        var second = await http.GetAsync("sys/health");
        rule.Remove();
        var healed = await http.GetAsync("kv/tenant-1/my-key");

        Assert.Equal(status, first.Status);
        Assert.Equal("""{"errors":[]}""", first.Text.Trim());
        Assert.Equal(status, second.Status);
        Assert.Equal(200, healed.Status);
        Assert.Null(rule.Remaining);
    }

    [Fact]
    public async Task RateLimitFault_CarriesRetryAfter()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.Faults.Add(
            VaultRequestMatch.ForPath("kv/tenant-1/+", "GET"),
            VaultFault.Status(429, "request path \"kv/tenant-1/my-key\": rate limit quota exceeded").WithRetryAfter(TimeSpan.FromSeconds(7)),
            times: 1);

        var limited = await http.GetAsync("kv/tenant-1/my-key");

        Assert.Equal(429, limited.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), limited.Headers.RetryAfter!.Delta);
        Assert.Equal(["request path \"kv/tenant-1/my-key\": rate limit quota exceeded"], limited.Errors);
    }

    [Fact]
    public async Task HtmlFault_AnswersAProxyPage()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.Faults.Add(VaultRequestMatch.Any, VaultFault.Html(502), times: 1);

        var answer = await http.GetAsync("kv/tenant-1/my-key");

        Assert.Equal(502, answer.Status);
        Assert.Equal("text/html", answer.ContentType);
        Assert.Contains("<h1>502 Error</h1>", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SealedFault_AnswersLikeSealedWhileHealthSaysUnsealed()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.Faults.Add(VaultRequestMatch.ForPath("kv/*"), VaultFault.Sealed());

        var kv = await http.GetAsync("kv/tenant-1/my-key");
        var health = await http.GetAsync("sys/health");

        Assert.Equal(["Vault is sealed"], kv.Errors);
        Assert.Equal(200, health.Status);
    }

    [Fact]
    public async Task RedirectFault_Answers307WithLocation()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.Faults.Add(VaultRequestMatch.Any, VaultFault.Redirect(vault.Address + "v1/kv/tenant-1/my-key"), times: 1);

        var redirect = await http.GetAsync("kv/tenant-1/my-key");

        Assert.Equal(307, redirect.Status);
        Assert.Equal(new Uri(vault.Address, "v1/kv/tenant-1/my-key"), redirect.Headers.Location);
    }

    [Fact]
    public async Task ResetConnection_FailsTheRequestWithoutChangingState()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.Faults.Add(VaultRequestMatch.ForPath("kv/*", "PUT"), VaultFault.ResetConnection(), times: 1);

        var failure = await Record.ExceptionAsync(() => http.PutAsync("kv/tenant-1/new-key", """{"new-key":"v"}"""));

        Assert.IsType<HttpRequestException>(failure, exactMatch: false);
        Assert.Null(vault.ReadKv("kv", "tenant-1/new-key"));
        var record = await vault.Journal.WaitForAsync(r => r.Method == "PUT", TestContext.Current.CancellationToken);
        Assert.True(record.Aborted);
        Assert.Null(record.ResponseStatus);
    }

    [Fact]
    public async Task LoseResponse_FailsTheRequestAfterCommitting()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.Faults.Add(VaultRequestMatch.ForPath("kv/*", "PUT"), VaultFault.LoseResponse(), times: 1);

        var failure = await Record.ExceptionAsync(() => http.PutAsync("kv/tenant-1/new-key", """{"new-key":"v"}"""));

        Assert.IsType<HttpRequestException>(failure, exactMatch: false);
        Assert.Equal("""{"new-key":"v"}""", vault.ReadKv("kv", "tenant-1/new-key"));
    }

    [Fact]
    public async Task TruncateResponse_FailsWhileReadingTheBody()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        vault.Faults.Add(VaultRequestMatch.Any, VaultFault.TruncateResponse(), times: 1);

        var failure = await Record.ExceptionAsync(() => http.GetAsync("kv/tenant-1/my-key"));

        Assert.True(failure is HttpRequestException or IOException, failure?.ToString());
    }

    [Fact]
    public async Task Delay_OnTheFakeClock_HoldsTheRequestUntilAdvanced()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await StartAsync(time);
        using var http = Client(vault);
        var rule = vault.Faults.Add(VaultRequestMatch.Any, VaultFault.Delay(TimeSpan.FromSeconds(61)), times: 1);

        var pending = http.GetAsync("kv/tenant-1/my-key");
        await rule.WaitForHitsAsync(1, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var answer = await pending;

        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task Delay_EndsWhenTheDoubleStopsListening()
    {
        var time = new FakeTimeProvider(VaultTutorial.Start);
        await using var vault = await StartAsync(time);
        using var http = Client(vault);
        var rule = vault.Faults.Add(VaultRequestMatch.Any, VaultFault.Delay(TimeSpan.FromHours(1)));

        var pending = http.GetAsync("kv/tenant-1/my-key");
        await rule.WaitForHitsAsync(1, TestContext.Current.CancellationToken);
        await vault.StopListeningAsync();

        Assert.NotNull(await Record.ExceptionAsync(() => pending));
        Assert.True(vault.Journal.Entries.Single().Aborted);
    }

    [Fact]
    public async Task Hang_EndsWhenTheClientCancels()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        var rule = vault.Faults.Add(VaultRequestMatch.ForPath("kv/*"), VaultFault.Hang());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var pending = http.SendUntilAsync("GET", "kv/tenant-1?list=true", null, null, null, null, cancel.Token);
        await rule.WaitForHitsAsync(1, TestContext.Current.CancellationToken);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        var record = await vault.Journal.WaitForAsync(r => r.Aborted, TestContext.Current.CancellationToken);
        Assert.Equal("/v1/kv/tenant-1?list=true", record.Target);
    }

    [Fact]
    public async Task Hang_EndsWhenTheDoubleStopsListening()
    {
        await using var vault = await StartAsync();
        using var http = Client(vault);
        var rule = vault.Faults.Add(VaultRequestMatch.Any, VaultFault.Hang());

        var pending = http.GetAsync("kv/tenant-1/my-key");
        await rule.WaitForHitsAsync(1, TestContext.Current.CancellationToken);
        await vault.StopListeningAsync();

        Assert.NotNull(await Record.ExceptionAsync(() => pending));
    }

    [Fact]
    public async Task StopListening_RefusesConnectionsUntilResumedWithStateKept()
    {
        await using var vault = await StartAsync();
        var address = vault.Address;

        await vault.StopListeningAsync();
        using (var refusedClient = Client(vault))
        {
            var refused = await Record.ExceptionAsync(() => refusedClient.GetAsync("kv/tenant-1/my-key"));
            var socket = Assert.IsType<SocketException>(Assert.IsType<HttpRequestException>(refused).InnerException);
            Assert.Equal(SocketError.ConnectionRefused, socket.SocketErrorCode);
            Assert.False(vault.IsListening);
        }

        await vault.ResumeListeningAsync();
        using var http = Client(vault);
        var answer = await http.GetAsync("kv/tenant-1/my-key");

        Assert.Equal(address, vault.Address);
        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task BeforeHook_CreatesTheKeyBetweenPreReadAndWrite()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv", version: 2);
        using var http = Client(vault);
        vault.Faults.Add(
            VaultRequestMatch.ForPath("kv/data/tenant-1/race", "PUT"),
            VaultFault.Before(v => v.WriteKv("kv", "tenant-1/race", """{"race":"theirs"}""")),
            times: 1);

        var preRead = await http.GetAsync("kv/data/tenant-1/race");
        var write = await http.PutAsync("kv/data/tenant-1/race", """{"data":{"race":"ours"},"options":{"cas":0}}""");

        Assert.Equal(404, preRead.Status);
        Assert.Equal(["check-and-set parameter did not match the current version"], write.Errors);
        Assert.Equal("""{"race":"theirs"}""", vault.ReadKv("kv", "tenant-1/race"));
    }

    [Fact]
    public async Task OutOfBandChanges_SoftDeleteAndSecondVersion_AreSeenByReaders()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.EnableKv("kv", version: 2);
        using var http = Client(vault);
        vault.WriteKv("kv", "tenant-1/a", """{"a":"one"}""");
        vault.WriteKv("kv", "tenant-1/b", """{"b":"one"}""");

        Assert.Equal(2, vault.WriteKv("kv", "tenant-1/a", """{"a":"two"}"""));
        vault.SoftDeleteKv("kv", "tenant-1/b");
        var v1 = await http.GetAsync("kv/data/tenant-1/a?version=1");
        var deleted = await http.GetAsync("kv/data/tenant-1/b?version=1");

        Assert.Equal("one", v1.Data!["data"]!["a"]!.GetValue<string>());
        Assert.Equal(404, deleted.Status);
        Assert.Null(deleted.Data!["data"]);
        Assert.Equal("""{"a":"two"}""", vault.ReadKv("kv", "tenant-1/a"));
        Assert.Null(vault.ReadKv("kv", "tenant-1/b"));
        Assert.Equal(1, vault.ReadKvMetadata("kv", "tenant-1/b")!["current_version"]!.GetValue<int>());
    }

    [Fact]
    public async Task RenewSelfFault_MatchedInAnyNamespace_FailsRenewals()
    {
        await using var vault = await VaultDouble.StartAsync();
        vault.CreateNamespace("ns1");
        vault.WritePolicy("kes", """path "ns1/auth/token/renew-self" { capabilities = ["update"] }""");
        using var http = new VaultTestHttp(vault) { Token = vault.CreateToken(["kes"]) };
        vault.Faults.Add(VaultRequestMatch.EndingWith("auth/token/renew-self"), VaultFault.Status(500, "internal error"), times: 2);

        var header = await http.PutAsync("auth/token/renew-self", "{}", ns: "ns1");
        var prefix = await http.PutAsync("ns1/auth/token/renew-self", "{}");
        var healed = await http.PutAsync("auth/token/renew-self", "{}", ns: "ns1");

        Assert.Equal(500, header.Status);
        Assert.Equal(500, prefix.Status);
        Assert.Equal(200, healed.Status);
    }

    [Fact]
    public async Task Matchers_ByNamespaceMethodAndPredicate_SelectRequests()
    {
        await using var vault = await StartAsync();
        vault.CreateNamespace("ns1");
        vault.EnableKv("kv", ns: "ns1");
        using var http = Client(vault);
        vault.Faults.Add(new VaultRequestMatch { Namespace = "ns1", Method = "GET" }, VaultFault.Status(502));
        vault.Faults.Add(new VaultRequestMatch { Predicate = r => r.Body.Contains("poison", StringComparison.Ordinal) }, VaultFault.Status(500));

        var inNamespace = await http.GetAsync("kv/a", ns: "ns1");
        var inRoot = await http.GetAsync("kv/tenant-1/my-key");
        var poisoned = await http.PutAsync("kv/b", """{"poison":"1"}""");
        var clean = await http.PutAsync("kv/b", """{"ok":"1"}""");

        Assert.Equal(502, inNamespace.Status);
        Assert.Equal(200, inRoot.Status);
        Assert.Equal(500, poisoned.Status);
        Assert.Equal(204, clean.Status);
        vault.Faults.Clear();
        Assert.Equal(404, (await http.GetAsync("kv/a", ns: "ns1")).Status);
    }

    private static async Task<VaultDouble> StartAsync(TimeProvider? time = null)
    {
        var vault = await VaultDouble.StartAsync(new VaultDoubleOptions { TimeProvider = time ?? TimeProvider.System });
        vault.EnableKv("kv");
        vault.WriteKv("kv", "tenant-1/my-key", """{"my-key":"v"}""");
        return vault;
    }

    private static VaultTestHttp Client(VaultDouble vault) => new(vault) { Token = vault.RootToken };
}

using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using KesGateway.Core.Keystore.Vault;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Keystore.Vault;

/// <summary>The transport rules of vault-compat §2.4–§2.5 and the bounded reads, without real sleeping.</summary>
public sealed class VaultTransportTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ScriptedVaultHandler _handler;

    public VaultTransportTests()
    {
        _handler = new ScriptedVaultHandler(_clock);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _handler.Dispose();

    [Theory]
    [InlineData(412, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(501, false)]
    [InlineData(400, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(405, false)]
    [InlineData(200, false)]
    public async Task SendAsync_Status_IsRetriedAsTheGoSdkDoes(int status, bool retried)
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On("GET", "/v1/kv/my-key", status, """{"errors":["e"]}""");

        using var response = await sut.SendAsync(Get("kv/my-key"), Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(retried ? 3 : 1, _handler.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_ServerErrors_WaitLinearlyWithJitterOnTheClock()
    {
        using var sut = CreateSut(TimeSpan.FromSeconds(1));
        _handler.On("PUT", "/v1/kv/my-key", 503, """{"errors":["Vault is sealed"]}""");

        var send = sut.SendAsync(new VaultRequest { Method = HttpMethod.Put, Path = "kv/my-key", Body = "{\"a\":\"b\"}"u8.ToArray() }, Ct);

        await ScriptedVaultHandler.Until(() => sut.Waits == 1);
        Assert.InRange(sut.LastWait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5));
        _clock.Advance(sut.LastWait - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50, Ct);
        Assert.Single(_handler.Requests);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await ScriptedVaultHandler.Until(() => sut.Waits == 2);
        Assert.Equal(2, _handler.Requests.Count);
        Assert.InRange(sut.LastWait, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        _clock.Advance(sut.LastWait);
        using var response = await send;

        Assert.Equal(503, response.StatusCode);
        Assert.Equal(3, _handler.Requests.Count);
        Assert.All(_handler.Requests, r => Assert.Equal("""{"a":"b"}""", r.Body));
    }

    [Fact]
    public async Task SendAsync_RetryAfter_IsIgnored()
    {
        using var sut = CreateSut(TimeSpan.FromSeconds(1));
        _handler.On("GET", "/v1/kv/my-key", _ =>
        {
            var answer = ScriptedVaultHandler.Answer(429, """{"errors":["rate limit quota exceeded"]}""");
            answer.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(60));
            return answer;
        });

        var send = sut.SendAsync(Get("kv/my-key"), Ct);
        await ScriptedVaultHandler.Until(() => sut.Waits == 1);

        Assert.InRange(sut.LastWait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5));
        _clock.Advance(TimeSpan.FromSeconds(10));
        await ScriptedVaultHandler.Until(() => sut.Waits == 2);
        _clock.Advance(TimeSpan.FromSeconds(10));
        using var response = await send;
        Assert.Equal(429, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_IsTriedThreeTimesAndUnreachable()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On(_ => true, _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (vault.test:8200)", new SocketException((int)SocketError.ConnectionRefused)));

        var ex = await Assert.ThrowsAsync<VaultTransportException>(() => sut.SendAsync(Get("kv/my-key"), Ct));

        Assert.True(ex.Unreachable);
        Assert.StartsWith("GET https://vault.test:8200/v1/kv/my-key: Connection refused (vault.test:8200)", ex.Message);
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_ConnectTimeoutOfTheHandler_IsRetriedAndUnreachable()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On(_ => true, _ => throw new TaskCanceledException("The connection attempt timed out", new TimeoutException("connect timed out")));

        var ex = await Assert.ThrowsAsync<VaultTransportException>(() => sut.SendAsync(Get("kv/my-key"), Ct));

        Assert.True(ex.Unreachable);
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_ResetWhileReadingTheBody_IsRetried()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On("GET", "/v1/kv/my-key", 200, """{"data":{"my-key":"v"}}""");
        _handler.On("GET", "/v1/kv/my-key", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new FailingStream()) }, times: 2);

        using var response = await sut.SendAsync(Get("kv/my-key"), Ct);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_CertificateVerificationFailure_IsNotRetried()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On(_ => true, _ => throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.",
            new AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")));

        var ex = await Assert.ThrowsAsync<VaultTransportException>(() => sut.SendAsync(Get("kv/my-key"), Ct));

        Assert.False(ex.Unreachable);
        Assert.Equal("GET https://vault.test:8200/v1/kv/my-key: tls: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot", ex.Message);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task SendAsync_NoAnswerWithinTheTimeout_FailsAsUnreachable()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On(_ => true, _ => throw new InvalidOperationException("not used"));
        using var hanging = new HangingHandler();
        using var transport = new VaultTransport(hanging, disposeHandler: false, new Uri("https://vault.test:8200/"), new VaultOptions { TimeProvider = _clock }, new CapturingLogger());

        var send = transport.SendAsync(Get("kv/my-key"), Ct);
        await ScriptedVaultHandler.Until(() => hanging.Started == 1);
        _clock.Advance(TimeSpan.FromSeconds(60));
        var ex = await Assert.ThrowsAsync<VaultTransportException>(() => send);

        Assert.True(ex.Unreachable);
        Assert.Equal("GET https://vault.test:8200/v1/kv/my-key: no answer within 00:01:00 (timeout)", ex.Message);
        Assert.Equal(1, hanging.Started);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_Throws()
    {
        using var hanging = new HangingHandler();
        using var transport = new VaultTransport(hanging, disposeHandler: false, new Uri("https://vault.test:8200/"), new VaultOptions { TimeProvider = _clock }, new CapturingLogger());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var send = transport.SendAsync(Get("kv/my-key"), cancel.Token);
        await ScriptedVaultHandler.Until(() => hanging.Started == 1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
    }

    [Fact]
    public async Task SendAsync_OneRedirect_IsFollowedWithTheSameMethodBodyAndHeaders()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On("PUT", "/v1/kv/my-key", 204, null);
        _handler.On("PUT", "/v1/kv/my-key", _ =>
        {
            var answer = ScriptedVaultHandler.Answer(307, null);
            answer.Headers.Location = new Uri("https://active.vault.test:8200/v1/kv/my-key");
            return answer;
        }, times: 1);

        using var response = await sut.SendAsync(new VaultRequest { Method = HttpMethod.Put, Path = "kv/my-key", Body = "{}"u8.ToArray(), Token = "hvs.T", Namespace = "ns1" }, Ct);

        Assert.Equal(204, response.StatusCode);
        Assert.Equal(2, _handler.Requests.Count);
        var followed = _handler.Requests[1];
        Assert.Equal("https://active.vault.test:8200/v1/kv/my-key", followed.Uri.AbsoluteUri);
        Assert.Equal(("PUT", "{}", "hvs.T", "ns1"), (followed.Method, followed.Body, followed.Token, followed.Namespace));
    }

    [Fact]
    public async Task SendAsync_SecondRedirect_IsReturnedAsTheAnswer()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On("GET", "/v1/kv/my-key", _ =>
        {
            var answer = ScriptedVaultHandler.Answer(307, null);
            answer.Headers.Location = new Uri("/v1/kv/my-key", UriKind.Relative);
            return answer;
        });

        using var response = await sut.SendAsync(Get("kv/my-key"), Ct);

        Assert.Equal(307, response.StatusCode);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_RedirectFromHttpsToHttp_IsRefused()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On("GET", "/v1/kv/my-key", _ =>
        {
            var answer = ScriptedVaultHandler.Answer(302, null);
            answer.Headers.Location = new Uri("http://vault.test:8200/v1/kv/my-key");
            return answer;
        });

        var ex = await Assert.ThrowsAsync<VaultTransportException>(() => sut.SendAsync(Get("kv/my-key"), Ct));

        Assert.Contains("would cause protocol downgrade", ex.Message);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task SendAsync_BodyOverTheLimit_IsAnError()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        _handler.On("GET", "/v1/kv/my-key", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[(1 << 20) + 1]) });

        var ex = await Assert.ThrowsAsync<VaultTransportException>(() => sut.SendAsync(Get("kv/my-key"), Ct));

        Assert.Equal("GET https://vault.test:8200/v1/kv/my-key: response body exceeds 1048576 bytes", ex.Message);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task SendAsync_ListLimit_AllowsLargerBodies()
    {
        using var sut = CreateSut(TimeSpan.Zero);
        var keys = string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"\"key-{i:D6}\""));
        _handler.On("GET", "/v1/kv", 200, "{\"data\":{\"keys\":[" + keys + "]}}");

        using var response = await sut.SendAsync(Get("kv") with { Query = "list=true", BodyLimit = VaultRequest.ListBodyLimit }, Ct);

        Assert.Equal(200, response.StatusCode);
    }

    [Fact]
    public async Task SendAsync_Headers_AreVaultRequestTokenAndNamespaceWithoutContentType()
    {
        using var sut = CreateSut(TimeSpan.Zero);

        using var response = await sut.SendAsync(new VaultRequest { Method = HttpMethod.Post, Path = "transit/encrypt/k", Body = "{}"u8.ToArray(), Token = "hvs.T", Namespace = "ns1/child" }, Ct);

        var request = Assert.Single(_handler.Requests);
        Assert.Equal("true", request.Headers["X-Vault-Request"]);
        Assert.Equal("hvs.T", request.Token);
        Assert.Equal("ns1/child", request.Namespace);
        Assert.Null(request.ContentType);
    }

    [Fact]
    public async Task SendAsync_WithoutTokenOrNamespace_SendsNeitherHeader()
    {
        using var sut = CreateSut(TimeSpan.Zero);

        using var response = await sut.SendAsync(Get("sys/health"), Ct);

        var request = Assert.Single(_handler.Requests);
        Assert.False(request.Headers.ContainsKey("X-Vault-Token"));
        Assert.False(request.Headers.ContainsKey("X-Vault-Namespace"));
    }

    [Fact]
    public void Describe_ErrorsAndRawBodies_ReadLikeTheGoSdk()
    {
        using var json = new VaultResponse("GET", new Uri("https://vault.test:8200/v1/kv?list=true"), "ns1", HttpStatusCode.Forbidden, null, """{"errors":["a","b"]}"""u8.ToArray());
        using var raw = new VaultResponse("GET", new Uri("https://vault.test:8200/v1/kv"), null, HttpStatusCode.BadGateway, "Bad Gateway", "<html>bad</html>"u8.ToArray());

        Assert.Equal("Error making API request.\n\nNamespace: ns1\nURL: GET https://vault.test:8200/v1/kv?list=true\nCode: 403. Errors:\n\n* a* b", json.Describe());
        Assert.Equal("Error making API request.\n\nURL: GET https://vault.test:8200/v1/kv\nCode: 502. Raw Message:\n\n<html>bad</html>", raw.Describe());
        Assert.Equal("403 Forbidden", json.Status);
    }

    private static VaultRequest Get(string path) => new() { Method = HttpMethod.Get, Path = path };

    private VaultTransport CreateSut(TimeSpan retryBaseDelay) =>
        new(_handler, disposeHandler: false, new Uri("https://vault.test:8200/"), new VaultOptions { TimeProvider = _clock, RetryBaseDelay = retryBaseDelay }, new CapturingLogger());

    private sealed class HangingHandler : HttpMessageHandler
    {
        private int _started;

        public int Started => Volatile.Read(ref _started);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class FailingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("Connection reset by peer");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("Connection reset by peer"));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using System.Net;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Memory;
using KesGateway.Tests.Common;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.FunctionalTests.Server;

/// <summary>KES's per-route write deadline (kes-compat §1.4): a handler that has not answered in time loses its
/// connection; a handler that answered leaves no timer behind to hit a later request.</summary>
public sealed class RouteDeadlineTests : IAsyncLifetime
{
    private static readonly TimeSpan GenerateTimeout = TimeSpan.FromSeconds(15);

    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _admin = TestCertificates.CreateClient("CN=admin");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HangingKeyStore _store = new();
    private TestServer? _server;

    public async ValueTask InitializeAsync() =>
        _server = await TestServer.StartAsync(TestServer.Config(TestServer.IdentityOf(_admin)), _store, _time);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _admin.Dispose();
    }

    [Fact]
    public async Task Generate_KeystoreHangsPastTheRouteTimeout_ConnectionIsAborted()
    {
        using var http = _server!.CreateClient(_admin);
        using (var create = await http.PostJsonAsync("/v1/key/create/seed", null))
        {
            Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        }

        // Copied behind the server's back, so it is not in the key cache and generate must read the keystore.
        await _store.CopyAsync("seed", "slow");
        _store.Hang("slow");
        var hung = http.PutAsync(new Uri("/v1/key/generate/slow", UriKind.Relative), new StringContent("{}"), TestContext.Current.CancellationToken);
        await _store.Entered.WaitAsync(TestContext.Current.CancellationToken);

        _time.Advance(GenerateTimeout - TimeSpan.FromSeconds(1));
        Assert.False(hung.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => hung);
    }

    [Fact]
    public async Task Generate_AnsweredInTime_LaterRequestsAreNotHitByItsDeadline()
    {
        using var http = _server!.CreateClient(_admin);
        using (var create = await http.PostJsonAsync("/v1/key/create/k", null))
        {
            Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        }

        // Each answered request hands its deadline back; time passing afterwards must not fire it into a later request.
        for (var i = 0; i < 3; i++)
        {
            using var generate = await http.PutAsync(new Uri("/v1/key/generate/k", UriKind.Relative), new StringContent("{}"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, generate.StatusCode);
            _time.Advance(GenerateTimeout * 2);
        }
    }

    /// <summary>An in-memory keystore whose reads of chosen keys wait until the request is cancelled.</summary>
    private sealed class HangingKeyStore : IKeyStore
    {
        private readonly MemoryKeyStore _inner = new();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile string? _hanging;

        public Task Entered => _entered.Task;

        public string Description => "Hanging (test)";

        public void Hang(string name) => _hanging = name;

        public async Task CopyAsync(string from, string to) =>
            Assert.True(await _inner.CreateAsync(to, (await _inner.GetAsync(from, CancellationToken.None))!, CancellationToken.None));

        public ValueTask<bool> CreateAsync(string name, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) =>
            _inner.CreateAsync(name, value, cancellationToken);

        public async ValueTask<byte[]?> GetAsync(string name, CancellationToken cancellationToken)
        {
            if (name == _hanging)
            {
                _entered.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return await _inner.GetAsync(name, cancellationToken);
        }

        public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) => _inner.DeleteAsync(name, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) => _inner.ListAsync(prefix, cancellationToken);

        public ValueTask StatusAsync(CancellationToken cancellationToken) => _inner.StatusAsync(cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}

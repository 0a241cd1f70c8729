using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Memory;
using KesGateway.Core.Policy;
using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Server.Hosting;
using KesGateway.Server.Tls;
using KesGateway.Tests.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Time.Testing;

namespace KesGateway.Tests.Server;

public class KesEndpointMiddlewareTests
{
    [Fact]
    public async Task InvokeAsync_HandlerPastTheRouteTimeout_AbortsTheRequest()
    {
        var time = new FakeTimeProvider();
        var started = new TaskCompletionSource();
        var route = new KesRoute("GET", "/slow", 0, TimeSpan.FromSeconds(15), RouteAuth.None, async ctx =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        var (context, lifetime) = CreateContext(route);
        var sut = new KesEndpointMiddleware(_ => Task.CompletedTask, time);

        var run = sut.InvokeAsync(context);
        await started.Task;
        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(lifetime.Aborted);
        time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(lifetime.Aborted);
    }

    [Fact]
    public async Task InvokeAsync_RouteWithoutTimeout_IsNeverAborted()
    {
        var time = new FakeTimeProvider();
        var route = new KesRoute("GET", "/v1/log/audit", 0, TimeSpan.Zero, RouteAuth.None, _ => Task.CompletedTask);
        var (context, lifetime) = CreateContext(route);
        var sut = new KesEndpointMiddleware(_ => Task.CompletedTask, time);

        await sut.InvokeAsync(context);
        time.Advance(TimeSpan.FromDays(1));

        Assert.False(lifetime.Aborted);
    }

    private static (HttpContext Context, Lifetime Lifetime) CreateContext(KesRoute route)
    {
        var config = new ServerConfig
        {
            Admin = "disabled",
            Tls = new TlsConfig { KeyPath = "k", CertificatePath = "c" },
            KeyStore = new MemoryKeyStoreConfig(),
        };
        var certificate = TestCertificates.CreateServer();
        var store = new MemoryKeyStore();
        var state = new TenantState(
            config.DefaultTenant,
            PolicySet.Create("disabled", [], DateTimeOffset.UnixEpoch),
            KesRouteTable.Create([route], config.Api),
            store,
            new KeyCache(store, new KeyCacheOptions { TimeProvider = new FakeTimeProvider() }),
            System.Net.Security.SslStreamCertificateContext.Create(certificate[0], null, offline: true),
            new ClientCertificatePolicy(true, false, []),
            System.Collections.Frozen.FrozenSet.ToFrozenSet(KesApi.DefaultRoutes.Select(r => r.Path).Append(route.Path), StringComparer.Ordinal));
        var context = new DefaultHttpContext();
        var lifetime = new Lifetime();
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        context.Features.Set(new KesRequestFeature(state, route, route.Path, string.Empty));
        return (context, lifetime);
    }

    private sealed class Lifetime : IHttpRequestLifetimeFeature, IDisposable
    {
        private readonly CancellationTokenSource _cts = new();

        public CancellationToken RequestAborted { get => _cts.Token; set { } }

        public bool Aborted => _cts.IsCancellationRequested;

        public void Abort() => _cts.Cancel();

        public void Dispose() => _cts.Dispose();
    }
}

using System.Globalization;
using System.Net;
using KesGateway.Core.Keystore;
using KesGateway.Server.Authentication;
using KesGateway.Server.Authorization;
using KesGateway.Server.Configuration;
using KesGateway.Server.Endpoints;
using KesGateway.Server.Observability;
using KesGateway.Server.Proxy;
using KesGateway.Server.RateLimiting;
using KesGateway.Server.Tenancy;
using KesGateway.Server.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace KesGateway.Server.Hosting;

/// <summary>The composition root that the CLI's <c>server</c> command and the tests call; the pipeline order is written once, here.</summary>
public static class GatewayApp
{
    /// <summary>Gets the product version reported by <c>/version</c> and <c>kesgw --version</c>.</summary>
    public static string Version { get; } =
        typeof(GatewayApp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Gets the source commit the build came from, or <c>&lt;unknown&gt;</c>, as KES reports it.</summary>
    public static string Commit { get; } =
        typeof(GatewayApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            is [System.Reflection.AssemblyInformationalVersionAttribute { InformationalVersion: var v }, ..] && v.Contains('+', StringComparison.Ordinal)
            ? v[(v.IndexOf('+', StringComparison.Ordinal) + 1)..]
            : "<unknown>";

    /// <summary>Builds the server: state, services, Kestrel with KES's TLS, and the pipeline. Declarative keys are created here.</summary>
    /// <exception cref="InvalidOperationException">The configuration cannot be served; the message says why and what to do.</exception>
    public static async Task<WebApplication> BuildAsync(GatewayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = options.Config;
        var startTime = options.Time.GetLocalNow();

        // The state is created after the host is built, so the keystore's background work logs through the host's
        // loggers; everything that needs it resolves it lazily, and nothing runs before it is set below.
        GatewayStateHolder? holder = null;
        GatewayStateHolder Holder() => holder ?? throw new InvalidOperationException("the server state is not ready yet");

        Lazy<ILogger>? refusedLogger = null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "kesgw" });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(90);
            kestrel.Listen(options.Listen ?? ParseAddress(config.Address), listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(TlsHandshake.Create(Holder, name => { if (refusedLogger?.Value is { } logger) { TlsLog.Refused(logger, name); } }));
            });
        });

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz ";
        });

        // Everything the logger prints is the error log: stderr, as KES does; audit lines own stdout.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        // Hosting starts an Activity and a log scope for every request whenever this category is enabled at any
        // level; it only logs request start and finish (Information), which the line above already drops.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // YARP logs each forwarding failure with its stack trace; the proxy's own events say it once, in a line.
        builder.Logging.AddFilter("Yarp", LogLevel.Error);
        builder.Logging.SetMinimumLevel(ToLogLevel(config.Log.Error));

        builder.Services.AddSingleton(options.Time);
        builder.Services.AddSingleton(_ => Holder());
        builder.Services.AddSingleton(sp => new AuditLog(sp.GetRequiredService<GatewayStateHolder>(), options.AuditOutput));
        builder.Services.AddSingleton<ErrorLog>();
        builder.Services.AddSingleton<KesMetrics>();
        // Budgets live in this process, or in Redis when replicas share them (this process's buckets answer while Redis is away).
        // The container owns the Redis store and disposes it with the app.
        var localBudgets = new MemoryRateLimitStore(options.Time);
        if (config.Redis is { } redis)
        {
            builder.Services.AddSingleton(_ => new RedisRateLimitStore(redis, options.Time));
            builder.Services.AddSingleton<IRateLimitStore>(sp => new FallbackRateLimitStore(
                sp.GetRequiredService<RedisRateLimitStore>(), localBudgets, "Redis " + redis.Endpoint, options.Time, sp.GetRequiredService<ILogger<FallbackRateLimitStore>>()));
        }
        else
        {
            builder.Services.AddSingleton<IRateLimitStore>(localBudgets);
        }
        builder.Services.AddSingleton<ILoggerProvider>(sp => new ErrorLogStreamProvider(sp.GetRequiredService<ErrorLog>(), () => holder, options.Time));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<GatewayReloader>();
        try
        {
            // The upstreams' certificates are loaded here, so a bad file fails the start before any keystore login.
            builder.Services.AddKesProxy(config.Upstreams, IdentityHeadersOf(config));
        }
        catch (ConfigException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }

        if (options.ConfigPath is { } configPath && config.Watch)
        {
            builder.Services.AddSingleton(sp => new ConfigWatcher(
                configPath,
                () => KesConfigLoader.Load(configPath),
                sp.GetRequiredService<GatewayReloader>(),
                options.Time,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("KesGateway.Reload"),
                options.ConfigWatchDebounce,
                options.ConfigWatchPoll));
        }

        var app = builder.Build();
        refusedLogger = new Lazy<ILogger>(() => app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KesGateway.Tls"));
        var snapshotters = new List<KeyCacheSnapshotter>();
        try
        {
            var context = KeyStoreContextOf(app, options);
            var state = await GatewayStateFactory.CreateAsync(
                config, startTime, context, options.KeyStore, options.ServerCertificate, allowUnreachableKeyStore: true, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            foreach (var tenant in state.Tenants)
            {
                await StartTenantAsync(tenant, options.Time, context.Logger, cancellationToken).ConfigureAwait(false);
            }

            holder = new GatewayStateHolder(state, startTime);
            foreach (var tenant in state.Tenants)
            {
                if (tenant.Config.Cache.Snapshot is { } snapshot && tenant.Keys is not null)
                {
                    var name = tenant.Name;
                    var snapshotter = new KeyCacheSnapshotter(() => holder.Current.Find(name), snapshot, options.Time, context.Logger);
                    snapshotter.Start();
                    snapshotters.Add(snapshotter);
                }
            }
        }
        catch
        {
            foreach (var snapshotter in snapshotters)
            {
                await snapshotter.DisposeAsync().ConfigureAwait(false);
            }

            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // The one pipeline, in KES's order: answer errors in KES's shape → audit every request → pick the tenant the
        // handshake chose → route (404/301/405 before anyone is identified) → identify → authorize (admin bypass, deny
        // wins) → count → hold to the budgets (queue, then 429) → serve natively, or forward what the tenant's upstream
        // serves.
        app.UseMiddleware<KesErrorHandlingMiddleware>();
        app.UseMiddleware<RequestTelemetryMiddleware>();
        app.UseMiddleware<TenancyMiddleware>();
        app.UseMiddleware<KesRoutingMiddleware>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMiddleware<PolicyMiddleware>();
        app.UseMiddleware<KesMetricsMiddleware>();
        app.UseMiddleware<RateLimitMiddleware>();
        app.UseMiddleware<KesEndpointMiddleware>();

        // Only forwarded requests get past the endpoint middleware. Routing and authorization are placed here
        // explicitly: WebApplication would otherwise put them in front of the whole pipeline, so every native
        // request would pay for matching YARP's catch-all route and evaluating its authorization metadata.
        app.UseRouting();
        if (app.Services.GetService<Microsoft.AspNetCore.Authorization.IAuthorizationHandlerProvider>() is not null)
        {
            app.UseAuthorization();
        }

        app.MapKesProxy(context => context.Features.Get<KesRequestFeature>()?.State.Upstream);

        // A reload checks the new upstreams' certificates before the swap and hands them to YARP after it.
        var reloader = app.Services.GetRequiredService<GatewayReloader>();
        var proxy = app.Services.GetRequiredService<KesProxyConfigProvider>();
        KesProxyConfig? pending = null;
        reloader.Validate = next => pending = KesProxyConfigProvider.Build(next.Config.Upstreams, IdentityHeadersOf(next.Config));
        reloader.Applied += _ => proxy.Apply(pending!);

        if (app.Services.GetRequiredService<IRateLimitStore>() is FallbackRateLimitStore shared)
        {
            app.Services.GetRequiredService<KesMetrics>().RedisStatus = () => (shared.RedisAvailable, shared.Fallbacks, shared.Transitions);
        }

        var lookup = app.Services.GetRequiredService<Yarp.ReverseProxy.IProxyStateLookup>();
        app.Services.GetRequiredService<KesMetrics>().UpstreamHealth = () => lookup.GetClusters().SelectMany(cluster => cluster.Destinations.Values.Select(d => (
            cluster.ClusterId,
            d.Model.Config.Address,
            d.Health.Active != Yarp.ReverseProxy.Model.DestinationHealth.Unhealthy && d.Health.Passive != Yarp.ReverseProxy.Model.DestinationHealth.Unhealthy)));

        var watcher = app.Services.GetService<ConfigWatcher>();
        watcher?.Start(config);
        app.Lifetime.ApplicationStopping.Register(() => watcher?.DisposeAsync().AsTask().GetAwaiter().GetResult());
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            reloader.ReleaseRetiredAsync().GetAwaiter().GetResult();
            // The last snapshots are taken before the caches are dropped.
            foreach (var snapshotter in snapshotters)
            {
                snapshotter.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            foreach (var tenant in Holder().Current.Tenants)
            {
                tenant.Keys?.DisposeAsync().AsTask().GetAwaiter().GetResult();
                if (tenant.KeyStore is { } store && !ReferenceEquals(store, options.KeyStore))
                {
                    store.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
        });
        return app;
    }

    /// <summary>The headers a TLS proxy in front of some tenant would carry a client certificate in: never forwarded upstream.</summary>
    private static IEnumerable<string> IdentityHeadersOf(ServerConfig config) =>
        config.AllTenants.Select(t => t.Tls.ProxyCertificateHeader).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gives keystores the host's clock and a logger for their background work.</summary>
    internal static KeyStoreContext KeyStoreContextOf(WebApplication app, GatewayOptions options) =>
        new(options.Time, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KesGateway.Keystore")) { StatusInterval = options.KeyCacheStatusInterval };

    /// <summary>Parses KES's <c>address</c>: <c>IP:port</c> or <c>:port</c> (all interfaces).</summary>
    public static IPEndPoint ParseAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new InvalidOperationException($"address: '{address}' is not IP:PORT (e.g. 0.0.0.0:7373 or :7373)");
        }

        var host = address[..colon].Trim('[', ']');
        if (host.Length == 0)
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        return IPAddress.TryParse(host, out var ip)
            ? new IPEndPoint(ip, port)
            : throw new InvalidOperationException($"address: '{host}' is not an IP address; KES listens on IP literals only (e.g. 0.0.0.0:7373)");
    }

    /// <summary>Seeds a tenant's cache from its warm-start snapshot and creates its declared keys (once its keystore connects, if it is unreachable).</summary>
    private static async Task StartTenantAsync(TenantState tenant, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        if (tenant.KeyStore is not { } store || tenant.Keys is not { } keys)
        {
            return;
        }

        var deferred = store as DeferredKeyStore is { IsConnected: false };
        if (tenant.Config.Cache.Snapshot is { } snapshot)
        {
            // The keystore is connected (or known unreachable) first, so the snapshot is only read when it can serve.
            if (deferred)
            {
                keys.MarkOffline(new KeyStoreUnreachableException("keystore could not be reached at start"));
            }

            KeyCacheSnapshotter.Seed(keys, snapshot, tenant.Config.Cache.Offline, store.Description, time, logger);
        }

        if (deferred)
        {
            SnapshotLog.DeclaredKeysDeferred(logger, store.Description);
            _ = CreateDeclaredKeysOnceConnectedAsync((DeferredKeyStore)store, tenant, time, logger);
        }
        else
        {
            await CreateDeclaredKeysAsync(tenant, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the declared keys once a keystore that was unreachable at start has connected.</summary>
    private static async Task CreateDeclaredKeysOnceConnectedAsync(DeferredKeyStore store, TenantState state, TimeProvider time, ILogger logger)
    {
        try
        {
            await store.Connected.ConfigureAwait(false);
            if (!store.IsConnected)
            {
                return;
            }

            await CreateDeclaredKeysAsync(state, time, CancellationToken.None).ConfigureAwait(false);
            SnapshotLog.DeclaredKeysCreated(logger, store.Description);
        }
        catch (InvalidOperationException ex)
        {
            SnapshotLog.DeclaredKeysFailed(logger, store.Description, ex.Message);
        }
    }

    /// <summary>Creates the keys the config declares that do not exist yet; existing keys are never modified.</summary>
    internal static async Task CreateDeclaredKeysAsync(TenantState state, TimeProvider time, CancellationToken cancellationToken)
    {
        if (state.KeyStore is not { } store)
        {
            return;
        }

        foreach (var name in state.Config.Keys)
        {
            using var key = Core.Crypto.KeyVersion.Generate(KeyEndpoints.PlatformKeyType, state.Policies.Admin, time);
            var encoded = key.EncodeToUtf8();
            try
            {
                // An existing key is never modified; any other failure stops the start, as in KES.
                _ = await store.CreateAsync(name, encoded, cancellationToken).ConfigureAwait(false);
            }
            catch (KeyStoreException ex)
            {
                throw new InvalidOperationException($"{GatewayStateFactory.FieldPrefix(state.Config)}keys: cannot create the declared key '{name}': {ex.Message}", ex);
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(encoded);
            }
        }
    }

    private static LogLevel ToLogLevel(int slogLevel) => slogLevel switch
    {
        <= -4 => LogLevel.Debug,
        <= 0 => LogLevel.Information,
        <= 4 => LogLevel.Warning,
        <= 8 => LogLevel.Error,
        _ => LogLevel.None,
    };
}

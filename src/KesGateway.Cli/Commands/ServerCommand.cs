using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using KesGateway.Cli.Infrastructure;
using KesGateway.Core.Identity;
using KesGateway.Core.Keystore.Memory;
using KesGateway.Server.Configuration;
using KesGateway.Server.Hosting;
using KesGateway.Server.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KesGateway.Cli.Commands;

/// <summary><c>kesgw server</c>: runs the KES-compatible server from a KES config file, or a throwaway dev server.</summary>
/// <remarks>It only turns flags into <see cref="GatewayOptions"/> and calls the composition root; the server lives in KesGateway.Server.</remarks>
internal sealed class ServerCommand : Command
{
    private const string DevDefaultAddress = "127.0.0.1:7373";

    private readonly CliContext _context;

    private readonly Option<string?> _config = new("--config")
    {
        Description = "The KES config file (config.yml). Required unless --dev.",
        HelpName = "FILE",
    };

    private readonly Option<string?> _addr = new("--addr")
    {
        Description = "Listen on IP:PORT (or :PORT for all interfaces), overriding the config's address. "
                      + "[default: the config's address, 0.0.0.0:7373; with --dev 127.0.0.1:7373]",
        HelpName = "IP:PORT",
    };

    private readonly Option<bool> _dev = new("--dev")
    {
        Description = "Start a throwaway server: in-memory keys, a self-signed certificate and a new admin API key, printed at start.",
    };

    /// <summary>Creates the command.</summary>
    public ServerCommand(CliContext context)
        : base("server", """
            Run a KES-compatible server. It reads the KES config file format unchanged and serves the whole KES API
            over mutual TLS. Send SIGHUP to reload the config (the listen address excepted); a config that fails to
            load is reported and the previous one keeps serving.

            Examples:
              kesgw server --dev
              kesgw server --config config.yml
              kesgw server --config config.yml --addr 127.0.0.1:7373
            """)
    {
        _context = context;
        Options.Add(_config);
        Options.Add(_addr);
        Options.Add(_dev);
        this.SetCliAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var configPath = parseResult.GetValue(_config);
        var dev = parseResult.GetValue(_dev);
        var stdout = parseResult.InvocationConfiguration.Output;
        var stderr = parseResult.InvocationConfiguration.Error;
        if (dev && configPath is not null)
        {
            throw new CliException("'--dev' and '--config' cannot be used together: --dev ignores every config file");
        }

        if (!dev && configPath is null)
        {
            throw new CliException("no config file: use '--config FILE', or '--dev' for a throwaway server");
        }

        var listen = ParseListen(parseResult.GetValue(_addr) ?? (dev ? DevDefaultAddress : null));

        // Before any key or certificate is read, so none of them can reach swap (MCL_FUTURE covers what comes later).
        var mlock = _context.LockMemory ? MemoryLock.TryLock(_context.GetEnvironmentVariable) : new MemoryLockResult(false, null);
        if (mlock.Warning is not null)
        {
            await stderr.WriteLineAsync("Warning: " + mlock.Warning);
        }

        using var apiKey = dev ? ApiKey.Generate() : null;
        GatewayOptions options;
        if (apiKey is not null)
        {
            options = new GatewayOptions
            {
                Config = DevConfig(apiKey.Identity.Value),
                Listen = listen,
                Time = _context.TimeProvider,
                AuditOutput = stdout,
                KeyStore = new MemoryKeyStore(),
                ServerCertificate = DevCertificate.Create(_context.TimeProvider),
            };
        }
        else
        {
            var config = LoadConfig(configPath!);
            foreach (var warning in config.Warnings)
            {
                await stderr.WriteLineAsync("Warning: " + warning);
            }

            options = new GatewayOptions { Config = config, ConfigPath = configPath, Listen = listen, Time = _context.TimeProvider, AuditOutput = stdout };
        }

        WebApplication app;
        try
        {
            app = await GatewayApp.BuildAsync(options, cancellationToken);
            await app.StartAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException(ex.Message, CliExitCodes.Failure);
        }
        catch (IOException ex)
        {
            throw new CliException($"cannot listen on {options.Listen?.ToString() ?? options.Config.Address}: {ex.Message}", CliExitCodes.Failure);
        }

        await using (app)
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            var state = app.Services.GetRequiredService<GatewayStateHolder>().Current;
            await stdout.WriteLineAsync(Banner(options, state, addresses, apiKey, mlock.Locked));

            using var reload = configPath is null ? null : RegisterReload(app, configPath);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop gracefully.
            }

            await stdout.WriteLineAsync("=> Stopping server... Goodbye.");
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(stop.Token);
        }

        return CliExitCodes.Success;
    }

    private static ServerConfig LoadConfig(string path)
    {
        try
        {
            return KesConfigLoader.Load(path);
        }
        catch (ConfigException ex)
        {
            throw new CliException(ex.Message, CliExitCodes.Usage);
        }
    }

    private static PosixSignalRegistration? RegisterReload(WebApplication app, string configPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var reloader = app.Services.GetRequiredService<GatewayReloader>();
        return PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = reloader.ReloadAsync(() => KesConfigLoader.Load(configPath));
        });
    }

    private static IPEndPoint? ParseListen(string? address)
    {
        if (address is null)
        {
            return null;
        }

        try
        {
            return GatewayApp.ParseAddress(address);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliException("--addr: " + ex.Message["address: ".Length..]);
        }
    }

    private static ServerConfig DevConfig(string admin) => new()
    {
        Admin = admin,
        Tls = new TlsConfig { KeyPath = "(generated)", CertificatePath = "(generated)" },
        KeyStore = new MemoryKeyStoreConfig(),
    };

    private static string Banner(GatewayOptions options, GatewayState state, ICollection<string> addresses, ApiKey? apiKey, bool memoryLocked)
    {
        var lines = new List<string>
        {
            $"Version     {GatewayApp.Version}",
            $"Runtime     {RuntimeInformation.FrameworkDescription} {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}",
            string.Empty,
            $"KMS         {Serves(state.Default)}",
        };
        foreach (var tenant in state.Tenants.Skip(1))
        {
            lines.Add($"Tenant      {tenant.Name} ({string.Join(", ", tenant.Config.Hosts)}): {Serves(tenant)}");
        }

        foreach (var address in addresses)
        {
            lines.Add($"API         · {address}");
        }

        if (apiKey is not null)
        {
            lines.Add($"API Key     {apiKey}");
            lines.Add($"Admin       {apiKey.Identity}");
        }
        else
        {
            lines.Add($"Admin       {(KesIdentity.IsValidHex(options.Config.Admin) ? options.Config.Admin : "<disabled>")}");
        }

        lines.Add($"Logs        error=stderr level={LevelName(options.Config.Log.Error)}");
        lines.Add($"            audit=stdout level={LevelName(options.Config.Log.Audit)}");
        if (memoryLocked)
        {
            lines.Add("MLock       enabled");
        }

        if (apiKey is not null)
        {
            lines.Add(string.Empty);
            lines.Add("Try it:     export KES_SERVER=" + addresses.FirstOrDefault() + " KES_API_KEY=" + apiKey);
            lines.Add("            kesgw status -k");
            lines.Add("            kesgw key create my-key-1 -k && kesgw key dek my-key-1 -k");
        }

        lines.Add(string.Empty);
        lines.Add("=> Server is up and running...");
        return string.Join('\n', lines);
    }

    private static string Serves(TenantState tenant) => (tenant.KeyStore, tenant.Upstream) switch
    {
        ({ } store, null) => store.Description,
        ({ } store, { } upstream) => $"{store.Description}; forwards {tenant.Routes.Routes.Length - tenant.Native.Count} routes to upstream '{upstream}'",
        (null, { } upstream) => $"forwards everything to upstream '{upstream}'",
        _ => "<nothing>",
    };

    private static string LevelName(int level) => level switch
    {
        >= 9 => "off",
        >= 8 => "ERROR",
        >= 4 => "WARN",
        >= 0 => "INFO",
        _ => "DEBUG",
    };
}

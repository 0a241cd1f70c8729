using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace KesGateway.LoadTests;

/// <summary>The harness's command line: <c>run</c>, <c>side-by-side</c> and <c>outage</c>, with options that teach.</summary>
public static class LoadTestCommandLine
{
    private static readonly Option<string[]> Scenarios = new("--scenario", "-s")
    {
        Description = "Scenarios to run, in order (repeat or comma-separate): generate, decrypt, bulk-decrypt, status, handshake (a status call on a new TLS connection each time, HTTP/1.1), minio (PUT=generate, GET/HEAD=decrypt, LIST of --list-size objects = that many sequential decrypts, readiness probes that generate, DescribeKey every 10 s per --nodes).",
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<string> Simulation = new("--simulation")
    {
        Description = "closed: --in-flight workers over --connections connections, each sends when its last answer arrived. open: --rate requests/s whatever the answers, latency measured from the intended send time (no coordinated omission). ramp: open loop whose rate climbs from --ramp-from to --rate over the run.",
        DefaultValueFactory = _ => "closed",
    };

    private static readonly Option<int> Connections = new("--connections", "-c") { Description = "Keep-alive TLS connections (one HTTP/2 connection carries many streams).", DefaultValueFactory = _ => 64 };

    private static readonly Option<int> InFlight = new("--in-flight", "-k") { Description = "Closed loop: requests in flight at once (workers), spread over the connections.", DefaultValueFactory = _ => 64 };

    private static readonly Option<double> Rate = new("--rate", "-r") { Description = "Open loop and ramp: arrivals per second (the ramp's end rate).", DefaultValueFactory = _ => 1000 };

    private static readonly Option<double> RampFrom = new("--ramp-from") { Description = "Ramp: the starting arrival rate.", DefaultValueFactory = _ => 100 };

    private static readonly Option<string> Duration = new("--duration", "-d") { Description = "How long each run lasts (e.g. 500ms, 10s, 2m).", DefaultValueFactory = _ => "10s" };

    private static readonly Option<long> Requests = new("--requests", "-n") { Description = "Stop each run after this many operations (0: the duration bounds it).", DefaultValueFactory = _ => 0 };

    private static readonly Option<string> Warmup = new("--warmup") { Description = "Unmeasured closed-loop load before each run (JIT, connections, key cache).", DefaultValueFactory = _ => "2s" };

    private static readonly Option<string> Protocol = new("--protocol", "-p") { Description = "h1, h2 or both (each scenario runs once per protocol).", DefaultValueFactory = _ => "h1" };

    private static readonly Option<string> Output = new("--output", "-o") { Description = "Directory for report.md, report.json and report.html.", DefaultValueFactory = _ => "loadtest-report" };

    private static readonly Option<string> KeyName = new("--key-name") { Description = "The key the scenarios use (created if missing).", DefaultValueFactory = _ => "kesgw-load" };

    private static readonly Option<int> BulkSize = new("--bulk-size") { Description = "Ciphertexts per bulk-decrypt request (KES allows up to 1000).", DefaultValueFactory = _ => 1000 };

    private static readonly Option<int> ListSize = new("--list-size") { Description = "minio: SSE-S3 objects per LIST (sequential decrypts).", DefaultValueFactory = _ => 100 };

    private static readonly Option<int> Nodes = new("--nodes") { Description = "minio: MinIO nodes, each calling DescribeKey every 10 s.", DefaultValueFactory = _ => 4 };

    private static readonly Option<int> MaxOutstanding = new("--max-outstanding") { Description = "Open loop: most requests outstanding at once; later ones wait and the wait counts in their latency.", DefaultValueFactory = _ => 4096 };

    private static readonly Option<bool> AllocProfile = new("--alloc-profile") { Description = "Print the types that allocate the most per request in each run (sampled from the runtime's AllocationTick events; the whole process)." };

    private static readonly Option<bool> NoProgress = new("--no-progress") { Description = "Do not print the live progress line." };

    private static readonly Option<string> Target = new("--target", "-t") { Description = "The gateway, e.g. https://127.0.0.1:7373 (loopback only: 127.0.0.1, ::1, localhost).", Required = true };

    private static readonly Option<string?> Host = new("--host") { Description = "Host name sent as SNI and Host (a tenant's name); the connection still goes to --target." };

    private static readonly Option<string?> Cert = new("--cert") { Description = "Client certificate (PEM) for mTLS." };

    private static readonly Option<string?> Key = new("--key") { Description = "Private key (PEM) of --cert." };

    private static readonly Option<string?> ApiKey = new("--api-key") { Description = "Authenticate with a kes:v1: API key through the product's client (Core/Client: BouncyCastle TLS, HTTP/1.1 only)." };

    private static readonly Option<string> AuditSink = new("--audit-sink")
    {
        Description = "In-process gateways: where audit lines go. devnull: /dev/null, written as the server writes stdout (buffered, one write per batch); null: formatted, then dropped in memory.",
        DefaultValueFactory = _ => "devnull",
    };

    private static readonly Option<int> Rounds = new("--rounds") { Description = "Side by side: interleaved rounds of the three targets; the table takes each target's median (steadier on a shared machine).", DefaultValueFactory = _ => 1 };

    private static readonly Option<string> Settle = new("--settle") { Description = "Side by side: before the measured rounds, load every target with every scenario and protocol for this long, unmeasured, so tiered JIT compilation has settled (on 2 cores it takes about 30 s of load; the first round is otherwise slower). 0 to skip.", DefaultValueFactory = _ => "0s" };
    private static readonly Option<bool> HalfPeak = new("--half-peak") { Description = "After each closed-loop triple, an open-loop run of the native target at half its measured peak (for p99)." };

    private static readonly Option<string> OutageAt = new("--outage-at") { Description = "When Vault goes away, from the start of the run.", DefaultValueFactory = _ => "5s" };

    private static readonly Option<string> OutageFor = new("--outage-for") { Description = "How long Vault stays away.", DefaultValueFactory = _ => "10s" };

    private static readonly Option<string> CacheExpiry = new("--cache-expiry") { Description = "The gateway's key cache expiry (cache.expiry.any and .unused) during the outage run.", DefaultValueFactory = _ => "3s" };

    public static RootCommand Build()
    {
        var root = new RootCommand("""
            kesgw-load: load tests for KesGateway, in the spirit of NBomber: named scenarios, load simulations, a live progress
            line and reports (console table, report.md, report.json, report.html with throughput and latency-percentile charts
            over time and a latency histogram drawn in the page). Loopback targets only.

            Scenarios:   generate, decrypt, bulk-decrypt, status, handshake, minio
            Simulations: closed (N connections, K in flight), open (constant arrival rate, latency from the intended send time),
                         ramp (open loop, rate climbing from --ramp-from to --rate)

            Examples:
              # a running gateway, client certificate, 64 connections, HTTP/1.1 then HTTP/2
              kesgw-load run -t https://127.0.0.1:7373 --cert client.crt --key client.key -s generate,decrypt -p both -d 30s
              # tenant A of a multi-tenant gateway, open loop at 5000 req/s
              kesgw-load run -t https://127.0.0.1:7373 --host kms.a.test --cert a.crt --key a.key -s minio --simulation open -r 5000
              # API key through the product's client (HTTP/1.1 only)
              kesgw-load run -t https://localhost:7373 --api-key kes:v1:... -s generate -d 10s
              # native vs forwarded vs bare Kestrel, all in this process
              kesgw-load side-by-side -s generate,decrypt -p both -c 64 -k 64 -d 20s --half-peak
              # Vault away for 10 s in the middle of a 30 s run
              kesgw-load outage -s generate -d 30s --outage-at 10s --outage-for 10s
            """);
        Command run = new("run", "Load a gateway that is already running (loopback only).") { Target, Host, Cert, Key, ApiKey };
        Command sideBySide = new("side-by-side", "Start a native gateway, a forwarding gateway (YARP to a second gateway) and bare Kestrel in this process; run the same load against each; report each as a ratio to bare Kestrel.") { HalfPeak, Rounds, Settle, AuditSink };
        Command outage = new("outage", "Start a gateway on a Vault double in this process, stop Vault mid-run, report failed requests before, during and after.") { OutageAt, OutageFor, CacheExpiry, AuditSink };
        foreach (var command in new[] { run, sideBySide, outage })
        {
            foreach (var option in new Option[] { Scenarios, Simulation, Connections, InFlight, Rate, RampFrom, Duration, Requests, Warmup, Protocol, Output, KeyName, BulkSize, ListSize, Nodes, MaxOutstanding, AllocProfile, NoProgress })
            {
                command.Options.Add(option);
            }

            root.Subcommands.Add(command);
        }

        run.SetAction((parse, ct) => Guarded(async () =>
        {
            var common = Common(parse, "generate");
            var target = Uri.TryCreate(parse.GetRequiredValue(Target), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                ? uri
                : throw new UsageException($"--target must be an https:// URL, e.g. https://127.0.0.1:7373, not '{parse.GetValue(Target)}'");
            Loopback.Resolve(target);
            using var certificate = parse.GetValue(Cert) is { } cert ? X509Certificate2.CreateFromPemFile(cert, parse.GetValue(Key)) : null;
            var report = await Modes.RunAsync(common, target, parse.GetValue(Host), certificate, parse.GetValue(ApiKey), ct).ConfigureAwait(false);
            Modes.Publish(report, common.Output);
            return 0;
        }));
        sideBySide.SetAction((parse, ct) => Guarded(async () =>
        {
            var common = Common(parse, "generate,decrypt");
            InProcessServer.AuditSink = Sink(parse);
            var report = await Modes.SideBySideAsync(common, parse.GetValue(HalfPeak), Math.Max(1, parse.GetValue(Rounds)), ParseDuration(parse.GetValue(Settle)!), ct).ConfigureAwait(false);
            Modes.Publish(report, common.Output);
            return 0;
        }));
        outage.SetAction((parse, ct) => Guarded(async () =>
        {
            var common = Common(parse, "generate");
            InProcessServer.AuditSink = Sink(parse);
            var report = await Modes.OutageAsync(common, ParseDuration(parse.GetValue(OutageAt)!), ParseDuration(parse.GetValue(OutageFor)!), ParseDuration(parse.GetValue(CacheExpiry)!), ct).ConfigureAwait(false);
            Modes.Publish(report, common.Output);
            return 0;
        }));
        return root;
    }

    /// <summary>Turns a bad option into one line on stderr and exit code 2 instead of a stack trace.</summary>
    private static async Task<int> Guarded(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync("kesgw-load: " + ex.Message).ConfigureAwait(false);
            return 2;
        }
    }

    private static string Sink(ParseResult parse) => parse.GetValue(AuditSink) is { } sink && sink is "devnull" or "null"
        ? sink
        : throw new UsageException($"unknown --audit-sink '{parse.GetValue(AuditSink)}'; one of: devnull, null");

    /// <summary>Parses 500ms, 10s, 2m, 1h, or a plain number of seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? TimeSpan.FromSeconds(value * unit)
            : throw new UsageException($"'{text}' is not a duration (e.g. 500ms, 10s, 2m)");
    }

    private static Modes.Common Common(ParseResult parse, string defaultScenarios)
    {
        var scenarios = (parse.GetValue(Scenarios) is { Length: > 0 } s ? s : [defaultScenarios])
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        foreach (var scenario in scenarios)
        {
            _ = Scenario.Create(scenario);
        }

        var simulation = parse.GetValue(Simulation) switch
        {
            "closed" => SimulationKind.Closed,
            "open" => SimulationKind.Open,
            "ramp" => SimulationKind.Ramp,
            var other => throw new UsageException($"unknown simulation '{other}'; one of: closed, open, ramp"),
        };
        var protocols = parse.GetValue(Protocol) switch
        {
            "h1" or "http1" => new[] { false },
            "h2" or "http2" => [true],
            "both" => [false, true],
            var other => throw new UsageException($"unknown protocol '{other}'; one of: h1, h2, both"),
        };
        if (parse.GetValue(AllocProfile) && LoadRunner.Sampler is null)
        {
            LoadRunner.Sampler = new AllocationSampler();
        }

        return new Modes.Common
        {
            Run = new RunSettings
            {
                Simulation = simulation,
                Connections = parse.GetValue(Connections),
                InFlight = parse.GetValue(InFlight),
                Rate = parse.GetValue(Rate),
                RampFrom = parse.GetValue(RampFrom),
                Duration = ParseDuration(parse.GetValue(Duration)!),
                MaxRequests = parse.GetValue(Requests),
                Warmup = ParseDuration(parse.GetValue(Warmup)!),
                MaxOutstanding = parse.GetValue(MaxOutstanding),
                Progress = !parse.GetValue(NoProgress),
            },
            Scenarios = scenarios,
            Http2 = protocols,
            Key = parse.GetValue(KeyName)!,
            BulkSize = parse.GetValue(BulkSize),
            ListSize = parse.GetValue(ListSize),
            Nodes = parse.GetValue(Nodes),
            Output = parse.GetValue(Output)!,
            CommandLine = "kesgw-load " + string.Join(' ', parse.Tokens.Select(t => t.Value)),
        };
    }
}

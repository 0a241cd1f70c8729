using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KesGateway.LoadTests;

/// <summary>The three things the harness can do: load a running gateway, compare in-process targets side by side, and take Vault away mid-run.</summary>
public static class Modes
{
    /// <summary>Settings shared by every mode.</summary>
    public sealed record Common
    {
        public required RunSettings Run { get; init; }

        public required IReadOnlyList<string> Scenarios { get; init; }

        public required IReadOnlyList<bool> Http2 { get; init; }

        public string Key { get; init; } = "kesgw-load";

        public int BulkSize { get; init; } = 1000;

        public int ListSize { get; init; } = 100;

        public int Nodes { get; init; } = 4;

        public required string Output { get; init; }

        public required string CommandLine { get; init; }
    }

    /// <summary>Loads a gateway that is already running at <paramref name="target"/> (loopback only).</summary>
    public static async Task<LoadReport> RunAsync(Common common, Uri target, string? host, X509Certificate2? certificate, string? apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(common);
        var report = NewReport("KesGateway load test", "run", common);
        foreach (var h2 in common.Http2)
        {
            using IKesTransport transport = apiKey is not null
                ? new ApiKeyTransport(target, apiKey)
                : new HttpTransport(target, host, certificate, common.Run.Connections, h2);
            await transport.PrepareAsync(common.Key, common.BulkSize, cancellationToken).ConfigureAwait(false);
            foreach (var name in common.Scenarios)
            {
                var scenario = Scenario.Create(name, common.ListSize, common.Nodes);
                report.Runs.Add(await LoadRunner.RunAsync($"{name} {transport.Protocol}", target.ToString(), scenario, transport, common.Run, cancellationToken).ConfigureAwait(false));
            }

            if (apiKey is not null)
            {
                report.Notes.Add("API-key runs use the product's client (Core/Client): BouncyCastle TLS, HTTP/1.1 only, one pooled client; --connections does not apply.");
                break;
            }
        }

        return report;
    }

    /// <summary>
    /// The same load against (a) a gateway's native generate/decrypt, (b) a gateway forwarding the same calls through YARP to a second
    /// gateway, and (c) bare Kestrel with the same mTLS answering a fixed body of the same size: the ceiling on this machine.
    /// </summary>
    public static async Task<LoadReport> SideBySideAsync(Common common, bool halfPeakOpenLoop, int rounds, TimeSpan settle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(common);
        var report = NewReport("KesGateway side by side: native vs forwarded vs bare Kestrel", "side-by-side", common);
        var directory = Directory.CreateTempSubdirectory("kesgw-load-").FullName;
        using var client = InProcessConfig.CreateClient();
        try
        {
            var gatewayPem = InProcessConfig.WriteClientPem(directory);
            await using var native = await InProcessServer.GatewayAsync(InProcessConfig.Native(client), memoryKeyStore: true).ConfigureAwait(false);
            await using var upstream = await InProcessServer.GatewayAsync(InProcessConfig.Upstream(gatewayPem.Identity), memoryKeyStore: true).ConfigureAwait(false);
            await using var forwarding = await InProcessServer.GatewayAsync(InProcessConfig.Forwarding(client, upstream.Address, (gatewayPem.Cert, gatewayPem.Key)), memoryKeyStore: false).ConfigureAwait(false);

            // The ceiling answers with bodies of exactly the size the gateway sends for the same call.
            var bodies = await CaptureBodiesAsync(native.Address, client, common, cancellationToken).ConfigureAwait(false);
            await using var ceiling = await InProcessServer.CeilingAsync(bodies).ConfigureAwait(false);
            var targets = new (string Name, Uri Address)[] { ("native", native.Address), ("forwarded", forwarding.Address), ("ceiling", ceiling.Address) };
            if (settle > TimeSpan.Zero)
            {
                // The first minute of load in a fresh process still runs tier-0 code and competes with the JIT's
                // background compiles; without this the first round of every target is slower than the rest.
                foreach (var h2 in common.Http2)
                {
                    foreach (var name in common.Scenarios)
                    {
                        foreach (var (_, address) in targets)
                        {
                            using var transport = new HttpTransport(address, "localhost", client, common.Run.Connections, h2);
                            await transport.PrepareAsync(common.Key, common.BulkSize, cancellationToken).ConfigureAwait(false);
                            await LoadRunner.WarmUpAsync(Scenario.Create(name, common.ListSize, common.Nodes), transport, common.Run, settle, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                report.Notes.Add($"Before the measured rounds every target ran every scenario and protocol for {settle.TotalSeconds:0.#} s, unmeasured (--settle), so tiered JIT compilation had settled.");
            }

            foreach (var h2 in common.Http2)
            {
                foreach (var name in common.Scenarios)
                {
                    // Rounds interleave the targets, so a burst of other work on a shared machine hits all three alike;
                    // the table takes each target's median round.
                    var results = new Dictionary<string, List<RunResult>>(StringComparer.Ordinal);
                    for (var round = 1; round <= rounds; round++)
                    {
                        foreach (var (targetName, address) in targets)
                        {
                            using var transport = new HttpTransport(address, "localhost", client, common.Run.Connections, h2);
                            await transport.PrepareAsync(common.Key, common.BulkSize, cancellationToken).ConfigureAwait(false);
                            var scenario = Scenario.Create(name, common.ListSize, common.Nodes);
                            var label = rounds > 1 ? $"{name} {transport.Protocol} {targetName} #{round}" : $"{name} {transport.Protocol} {targetName}";
                            var result = await LoadRunner.RunAsync(label, targetName, scenario, transport, common.Run, cancellationToken).ConfigureAwait(false);
                            (results.TryGetValue(targetName, out var list) ? list : results[targetName] = []).Add(result);
                            report.Runs.Add(result);
                        }
                    }

                    var (n, f, c) = (Median(results["native"]), Median(results["forwarded"]), Median(results["ceiling"]));
                    report.Comparison.Add(new ComparisonRow(
                        name,
                        h2 ? "HTTP/2" : "HTTP/1.1",
                        n.RequestsPerSecond,
                        f.RequestsPerSecond,
                        c.RequestsPerSecond,
                        Ratio(n.RequestsPerSecond, c.RequestsPerSecond),
                        Ratio(f.RequestsPerSecond, c.RequestsPerSecond),
                        Ratio(n.RequestsPerSecond, f.RequestsPerSecond),
                        n.Latency.P99Ms,
                        f.Latency.P99Ms,
                        c.Latency.P99Ms,
                        n.CpuMicrosPerRequest,
                        f.CpuMicrosPerRequest,
                        c.CpuMicrosPerRequest,
                        n.AllocatedBytesPerRequest,
                        c.AllocatedBytesPerRequest));

                    if (halfPeakOpenLoop && n.RequestsPerSecond > 0 && common.Run.Simulation == SimulationKind.Closed)
                    {
                        // p99 at half the native peak, open loop, latency from the intended send time.
                        using var transport = new HttpTransport(native.Address, "localhost", client, common.Run.Connections, h2);
                        await transport.PrepareAsync(common.Key, common.BulkSize, cancellationToken).ConfigureAwait(false);
                        var half = common.Run with { Simulation = SimulationKind.Open, Rate = Math.Max(1, Math.Round(n.RequestsPerSecond / 2)) };
                        report.Runs.Add(await LoadRunner.RunAsync($"{name} {transport.Protocol} native @½ peak", "native", Scenario.Create(name, common.ListSize, common.Nodes), transport, half, cancellationToken).ConfigureAwait(false));
                    }
                }
            }

            report.Notes.Add("native: the gateway serves generate/decrypt itself (in-memory keystore); forwarded: a gateway without a keystore forwards the same calls through YARP to a second gateway; ceiling: bare Kestrel, same TLS and client-certificate requirement, answering a fixed body of the size the gateway sends.");
            report.Notes.Add($"All gateways run the whole pipeline: identity, policy (a non-admin policy), rate limits (budgets set too high to bite, checked on every request), audit (sink: {InProcessServer.AuditSink}), metrics, real crypto.");
            if (rounds > 1)
            {
                report.Notes.Add($"{rounds} interleaved rounds per target; the side-by-side table shows each target's median round.");
            }

            report.Notes.Add("Client and servers share this process and its cores: each number is what this machine does with the client included.");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return report;
    }

    /// <summary>An in-process gateway on a Vault double; Vault stops listening for <paramref name="outageFor"/> from <paramref name="outageAt"/>.</summary>
    public static async Task<LoadReport> OutageAsync(Common common, TimeSpan outageAt, TimeSpan outageFor, TimeSpan cacheExpiry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(common);
        var report = NewReport("KesGateway under a Vault outage", "outage", common);
        var directory = Directory.CreateTempSubdirectory("kesgw-load-").FullName;
        using var client = InProcessConfig.CreateClient();
        var (vault, store) = await InProcessConfig.VaultAsync(directory).ConfigureAwait(false);
        try
        {
            var config = InProcessConfig.Native(client, store) with
            {
                Cache = new Server.Configuration.CacheConfig { Any = cacheExpiry, Unused = cacheExpiry },
            };
            await using var gateway = await InProcessServer.GatewayAsync(config, memoryKeyStore: false).ConfigureAwait(false);
            foreach (var h2 in common.Http2.Take(1))
            {
                using var transport = new HttpTransport(gateway.Address, "localhost", client, common.Run.Connections, h2);
                await transport.PrepareAsync(common.Key, common.BulkSize, cancellationToken).ConfigureAwait(false);
                foreach (var name in common.Scenarios.Take(1))
                {
                    var state = 0;
                    var (downAt, upAt) = (double.NaN, double.NaN);
                    var run = common.Run with { Warmup = TimeSpan.Zero };
                    var flip = Task.CompletedTask;
                    var result = await LoadRunner.RunAsync(
                        $"{name} {transport.Protocol} vault outage",
                        "native (Vault double)",
                        Scenario.Create(name, common.ListSize, common.Nodes),
                        transport,
                        run,
                        cancellationToken,
                        t =>
                        {
                            // Called once a second by the sampler, so phases line up with the report's intervals.
                            if (state == 0 && t >= outageAt.TotalSeconds - 0.5)
                            {
                                state = 1;
                                downAt = t;
                                flip = vault.StopListeningAsync();
                            }
                            else if (state == 1 && t >= (outageAt + outageFor).TotalSeconds - 0.5)
                            {
                                state = 2;
                                upAt = t;
                                flip = flip.ContinueWith(_ => vault.ResumeListeningAsync(), TaskScheduler.Default).Unwrap();
                            }
                        }).ConfigureAwait(false);
                    await flip.ConfigureAwait(false);
                    result = result with { Phases = Phases(result, downAt, upAt) };
                    report.Runs.Add(result);
                }
            }

            report.Notes.Add($"Vault (the double) stopped listening at ~{outageAt.TotalSeconds:0} s for {outageFor.TotalSeconds:0} s; the gateway's key cache expiry is {cacheExpiry.TotalSeconds:0} s, so calls fail only once cached keys expire and Vault is still away.");
        }
        finally
        {
            await vault.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(directory, recursive: true);
        }

        return report;
    }

    public static MachineInfo Machine()
    {
        var cpu = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        return new MachineInfo(Environment.ProcessorCount, cpu, System.Runtime.InteropServices.RuntimeInformation.OSDescription, Environment.Version.ToString(), Environment.MachineName);
    }

    private static List<PhaseResult> Phases(RunResult result, double downAt, double upAt)
    {
        PhaseResult Sum(string name, double from, double to)
        {
            var points = result.Series.Where(p => p.T > from + 0.01 && p.T <= to + 0.01).ToList();
            var previous = 0.0;
            long requests = 0;
            foreach (var p in result.Series)
            {
                if (p.T > from + 0.01 && p.T <= to + 0.01)
                {
                    requests += (long)Math.Round(p.Rps * (p.T - previous));
                }

                previous = p.T;
            }

            return new PhaseResult(name, from, to, requests, points.Sum(p => p.Errors));
        }

        var end = result.Series.Count > 0 ? result.Series[^1].T : result.DurationSeconds;
        if (double.IsNaN(downAt))
        {
            return [Sum("before (no outage reached)", 0, end)];
        }

        return double.IsNaN(upAt)
            ? [Sum("before", 0, downAt), Sum("during", downAt, end)]
            : [Sum("before", 0, downAt), Sum("during", downAt, upAt), Sum("after", upAt, end)];
    }

    private static async Task<Dictionary<string, byte[]>> CaptureBodiesAsync(Uri native, X509Certificate2 client, Common common, CancellationToken cancellationToken)
    {
        using var transport = new HttpTransport(native, "localhost", client, 1, http2: false);
        await transport.PrepareAsync(common.Key, common.BulkSize, cancellationToken).ConfigureAwait(false);
        var bodies = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["/v1/key/create/"] = [] };
        foreach (var (call, (method, path, body)) in transport.Calls)
        {
            using var response = await transport.SendAsync(method, path, body, cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var prefix = call switch
            {
                KesCall.Generate => "/v1/key/generate/",
                KesCall.Decrypt => "/v1/key/decrypt/",
                KesCall.BulkDecrypt => "/v1/key/bulk/decrypt/",
                KesCall.Describe => "/v1/key/describe/",
                _ => "/v1/status",
            };
            bodies[prefix] = bytes;
        }

        return bodies;
    }

    private static RunResult Median(List<RunResult> runs) => runs.OrderBy(r => r.RequestsPerSecond).ElementAt(runs.Count / 2);

    private static double Ratio(double a, double b) => b > 0 ? Math.Round(a / b, 3) : 0;

    private static LoadReport NewReport(string title, string mode, Common common) => new()
    {
        Title = title,
        Mode = mode,
        Machine = Machine(),
        CommandLine = common.CommandLine,
        Started = DateTimeOffset.UtcNow,
    };

    /// <summary>Prints the console table and writes the other formats; returns the files written.</summary>
    public static IReadOnlyList<string> Publish(LoadReport report, string output)
    {
        ArgumentNullException.ThrowIfNull(report);
        Console.Out.Write(Reports.Console(report));
        var files = Reports.WriteAll(report, output);
        var sb = new StringBuilder("reports: ");
        sb.AppendJoin(", ", files);
        Console.Out.WriteLine(sb.ToString());
        return files;
    }
}

using System.Diagnostics;
using HdrHistogram;

namespace KesGateway.LoadTests;

/// <summary>How load is offered.</summary>
public enum SimulationKind
{
    /// <summary>Closed loop: K workers over N connections, each sends its next request when the last one answered.</summary>
    Closed,

    /// <summary>Open loop: requests arrive at a constant rate whatever the answers; latency counts from the intended send time.</summary>
    Open,

    /// <summary>Open loop whose rate rises linearly from a start rate to an end rate over the run.</summary>
    Ramp,
}

/// <summary>One run's settings.</summary>
public sealed record RunSettings
{
    public SimulationKind Simulation { get; init; } = SimulationKind.Closed;

    public int Connections { get; init; } = 64;

    public int InFlight { get; init; } = 64;

    public double Rate { get; init; } = 1000;

    public double RampFrom { get; init; } = 100;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the number of operations after which the run stops (0: the duration bounds it).</summary>
    public long MaxRequests { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the most open-loop requests outstanding at once; more wait, and their wait counts in their latency.</summary>
    public int MaxOutstanding { get; init; } = 4096;

    public bool Progress { get; init; } = true;

    public string Describe() => Simulation switch
    {
        SimulationKind.Closed => $"closed loop, {Connections} connections, {InFlight} in flight",
        SimulationKind.Open => $"open loop, {Rate:0} req/s on {Connections} connections",
        _ => $"ramp {RampFrom:0}→{Rate:0} req/s on {Connections} connections",
    };
}

/// <summary>Thread-safe counters and an HDR recorder of latencies in nanoseconds.</summary>
public sealed class LoadStats
{
    private const long MaxNanos = 60L * 1_000_000_000;
    // Many workers record at once: the recorder needs a histogram that is safe for concurrent writers (a plain
    // LongHistogram loses counts under contention and its total drifts from its buckets, which breaks reading it).
    private readonly Recorder _recorder = new(1, MaxNanos, 3, (id, low, high, digits) => new LongConcurrentHistogram(id, low, high, digits));
    private readonly long[] _statuses = new long[600];
    private long _requests;
    private long _errors;
    private long _calls;

    public long Requests => Interlocked.Read(ref _requests);

    public long Errors => Interlocked.Read(ref _errors);

    public long Calls => Interlocked.Read(ref _calls);

    public void Record(long startTimestamp, long endTimestamp, int status, int calls)
    {
        var nanos = (long)((endTimestamp - startTimestamp) * (1e9 / Stopwatch.Frequency));
        _recorder.RecordValue(Math.Clamp(nanos, 1, MaxNanos));
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _calls, calls);
        Interlocked.Increment(ref _statuses[status is >= 0 and < 600 ? status : 0]);
        if (status is < 200 or >= 300)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    public HistogramBase Interval() => _recorder.GetIntervalHistogram();

    /// <summary>Gets how late the open loop's pacer sent requests (written by the pacer thread alone, read after the run).</summary>
    public LongHistogram SendLag { get; } = new(MaxNanos, 3);

    public void RecordSendLag(long intendedTimestamp, long sentTimestamp) =>
        SendLag.RecordValue(Math.Clamp((long)((sentTimestamp - intendedTimestamp) * (1e9 / Stopwatch.Frequency)), 0, MaxNanos));

    public Dictionary<string, long> Statuses()
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _statuses.Length; i++)
        {
            var n = Interlocked.Read(ref _statuses[i]);
            if (n > 0)
            {
                result[i == 0 ? "transport-error" : i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = n;
            }
        }

        return result;
    }
}

/// <summary>Runs a scenario under a simulation against a transport and turns what it measured into a <see cref="RunResult"/>.</summary>
public static class LoadRunner
{
    /// <summary>Gets or sets the allocation sampler that runs during measured runs (<c>--alloc-profile</c>), if any.</summary>
    public static AllocationSampler? Sampler { get; set; }

    /// <summary>Runs <paramref name="scenario"/> closed-loop for <paramref name="duration"/> and measures nothing.</summary>
    public static Task WarmUpAsync(Scenario scenario, IKesTransport transport, RunSettings settings, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var warm = settings with { Simulation = SimulationKind.Closed, Duration = duration, MaxRequests = 0 };
        return OfferAsync(scenario, transport, warm, new LoadStats(), cancellationToken);
    }

    public static async Task<RunResult> RunAsync(
        string name, string target, Scenario scenario, IKesTransport transport, RunSettings settings, CancellationToken cancellationToken,
        Action<double>? onSecond = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Warmup > TimeSpan.Zero)
        {
            var warm = settings with { Simulation = SimulationKind.Closed, Duration = settings.Warmup, MaxRequests = 0 };
            await OfferAsync(scenario, transport, warm, new LoadStats(), cancellationToken).ConfigureAwait(false);
        }

        var stats = new LoadStats();
        Sampler?.Start();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var total = new LongHistogram(60L * 1_000_000_000, 3);
        var series = new List<IntervalPoint>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var background = scenario.BackgroundAsync(transport, stats, stop.Token);
        var offer = OfferAsync(scenario, transport, settings, stats, stop.Token);
        var sampler = Task.Run(
            async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                long lastRequests = 0;
                long lastErrors = 0;
                var last = started;
                while (!offer.IsCompleted)
                {
                    await Task.WhenAny(timer.WaitForNextTickAsync(CancellationToken.None).AsTask(), offer).ConfigureAwait(false);
                    var now = Stopwatch.GetTimestamp();
                    var interval = stats.Interval();
                    total.Add(interval);
                    if (offer.IsCompleted && Stopwatch.GetElapsedTime(last, now) < TimeSpan.FromMilliseconds(250) && series.Count > 0)
                    {
                        // The tail after the last whole second: counted in the totals, too short to plot as a rate.
                        break;
                    }

                    var requests = stats.Requests;
                    var errors = stats.Errors;
                    var seconds = Stopwatch.GetElapsedTime(last, now).TotalSeconds;
                    var t = Stopwatch.GetElapsedTime(started, now).TotalSeconds;
                    var point = new IntervalPoint(
                        Math.Round(t, 3),
                        seconds > 0 ? (requests - lastRequests) / seconds : 0,
                        errors - lastErrors,
                        Ms(interval.TotalCount > 0 ? interval.GetValueAtPercentile(50) : 0),
                        Ms(interval.TotalCount > 0 ? interval.GetValueAtPercentile(99) : 0),
                        Ms(interval.TotalCount > 0 ? interval.GetMaxValue() : 0),
                        Math.Round(GC.GetTotalMemory(false) / 1048576.0, 1),
                        Math.Round(Environment.WorkingSet / 1048576.0, 1));
                    series.Add(point);
                    lastRequests = requests;
                    lastErrors = errors;
                    last = now;
                    onSecond?.Invoke(t);
                    if (settings.Progress)
                    {
                        Progress.Line($"{name,-28} {t,6:0.0}s {point.Rps,9:0} req/s  p50 {point.P50Ms,7:0.000} ms  p99 {point.P99Ms,7:0.000} ms  errors {errors,6}  heap {point.HeapMb,6:0.0} MB");
                    }
                }
            },
            CancellationToken.None);
        await offer.ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMicroseconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        await sampler.ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await background.ConfigureAwait(false);
        Progress.End();
        total.Add(stats.Interval());
        if (Sampler is not null)
        {
            var perRequest = Math.Max(1, stats.Requests);
            await Console.Out.WriteLineAsync($"allocations of {name} (sampled, bytes per request, whole process):").ConfigureAwait(false);
            foreach (var (type, bytes) in Sampler.Stop(15))
            {
                await Console.Out.WriteLineAsync($"  {bytes / (double)perRequest,8:0} B  {type}").ConfigureAwait(false);
            }
        }

        return new RunResult
        {
            Name = name,
            Target = target,
            Scenario = scenario.Name,
            Simulation = settings.Describe(),
            Protocol = transport.Protocol,
            Auth = transport.Auth,
            Connections = settings.Connections,
            InFlight = settings.InFlight,
            Rate = settings.Simulation == SimulationKind.Closed ? null : settings.Rate,
            DurationSeconds = Math.Round(elapsed, 3),
            Requests = stats.Requests,
            Calls = stats.Calls,
            Errors = stats.Errors,
            Statuses = stats.Statuses(),
            RequestsPerSecond = Math.Round(stats.Requests / elapsed, 1),
            CpuMicrosPerRequest = stats.Requests > 0 ? Math.Round(cpu / stats.Requests, 1) : 0,
            AllocatedBytesPerRequest = stats.Requests > 0 ? Math.Round((double)allocated / stats.Requests) : 0,
            Latency = Summary(total),
            SendLag = settings.Simulation == SimulationKind.Closed ? null : Summary(stats.SendLag),
            Series = series,
            Histogram = Bins(total),
        };
    }

    private static Task OfferAsync(Scenario scenario, IKesTransport transport, RunSettings settings, LoadStats stats, CancellationToken cancellationToken) =>
        settings.Simulation == SimulationKind.Closed
            ? ClosedAsync(scenario, transport, settings, stats, cancellationToken)
            : OpenAsync(scenario, transport, settings, stats, cancellationToken);

    private static async Task ClosedAsync(Scenario scenario, IKesTransport transport, RunSettings settings, LoadStats stats, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        long issued = 0;
        var workers = Enumerable.Range(0, Math.Max(1, settings.InFlight)).Select(worker => Task.Run(
            async () =>
            {
                while (!cancellationToken.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
                {
                    if (settings.MaxRequests > 0 && Interlocked.Increment(ref issued) > settings.MaxRequests)
                    {
                        return;
                    }

                    var start = Stopwatch.GetTimestamp();
                    var (status, calls) = await scenario.RunAsync(transport, worker, cancellationToken).ConfigureAwait(false);
                    stats.Record(start, Stopwatch.GetTimestamp(), status, calls);
                }
            },
            CancellationToken.None));
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>Open loop: request i is due at t(i) (i/rate, or the ramp's inverse); its latency counts from t(i), not from when
    /// the harness got round to sending it, so a stalled server shows in the percentiles (no coordinated omission).</summary>
    private static async Task OpenAsync(Scenario scenario, IKesTransport transport, RunSettings settings, LoadStats stats, CancellationToken cancellationToken)
    {
        var duration = settings.Duration.TotalSeconds;
        var from = settings.Simulation == SimulationKind.Ramp ? settings.RampFrom : settings.Rate;
        var slope = settings.Simulation == SimulationKind.Ramp ? (settings.Rate - settings.RampFrom) / duration : 0;
        double DueAt(long i) => slope == 0 ? i / from : (-from + Math.Sqrt((from * from) + (2 * slope * i))) / slope;

        using var outstanding = new SemaphoreSlim(settings.MaxOutstanding);
        var start = Stopwatch.GetTimestamp();

        // The pacer runs on its own thread and sleeps with microsecond precision between arrivals. Spinning (or
        // yielding) until each send time would burn a core the server needs on a small machine, and millisecond timers
        // would send in bursts, late by up to a tick: both would show up in the latencies as if the server were slow.
        var sent = await Task.Factory.StartNew(
            () =>
            {
                var inFlight = new List<Task>();
                long next = 0;
                var worker = 0;
                while (!cancellationToken.IsCancellationRequested)
                {
                    var due = DueAt(next);
                    if (due >= duration || (settings.MaxRequests > 0 && next >= settings.MaxRequests))
                    {
                        break;
                    }

                    var wait = due - Stopwatch.GetElapsedTime(start).TotalSeconds;
                    if (wait > 0)
                    {
                        Pacer.Sleep(wait);
                        continue;
                    }

                    var intended = start + (long)(due * Stopwatch.Frequency);
                    outstanding.Wait(cancellationToken);
                    stats.RecordSendLag(intended, Stopwatch.GetTimestamp());
                    inFlight.Add(SendAsync(worker++ % Math.Max(1, settings.Connections), intended));
                    next++;
                    if (inFlight.Count > 8192)
                    {
                        inFlight.RemoveAll(t => t.IsCompleted);
                    }
                }

                return inFlight;
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);

        await Task.WhenAll(sent).ConfigureAwait(false);

        async Task SendAsync(int w, long intended)
        {
            try
            {
                // Starts on the pacer's thread and leaves it at the first wait (the socket send is usually done by
                // then): a hop to the thread pool first would cost every request one more thread wake-up.
                var (status, calls) = await scenario.RunAsync(transport, w, cancellationToken).ConfigureAwait(false);
                stats.Record(intended, Stopwatch.GetTimestamp(), status, calls);
            }
            finally
            {
                outstanding.Release();
            }
        }
    }

    private static double Ms(long nanos) => Math.Round(nanos / 1e6, 3);

    private static LatencySummary Summary(HistogramBase h) => h.TotalCount == 0
        ? new LatencySummary(0, 0, 0, 0, 0, 0)
        : new LatencySummary(
            Math.Round(h.GetMean() / 1e6, 3),
            Ms(h.GetValueAtPercentile(50)),
            Ms(h.GetValueAtPercentile(90)),
            Ms(h.GetValueAtPercentile(99)),
            Ms(h.GetValueAtPercentile(99.9)),
            Ms(h.GetMaxValue()));

    /// <summary>Log-spaced bins, four per doubling, from the fastest to the slowest request.</summary>
    private static List<HistogramBin> Bins(HistogramBase h)
    {
        var bins = new SortedDictionary<int, long>();
        foreach (var v in h.RecordedValues())
        {
            var micros = Math.Max(1.0, v.ValueIteratedTo / 1000.0);
            var index = (int)Math.Ceiling(Math.Log2(micros) * 4);
            bins[index] = bins.GetValueOrDefault(index) + v.CountAddedInThisIterationStep;
        }

        return [.. bins.Select(b => new HistogramBin(Math.Round(Math.Pow(2, b.Key / 4.0) / 1000.0, 4), b.Value))];
    }
}

/// <summary>The live progress line: rewritten in place on a terminal, one line per update otherwise.</summary>
public static class Progress
{
    private static bool _open;

    public static void Line(string text)
    {
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine(text);
            return;
        }

        Console.Error.Write("\r" + text.PadRight(Math.Max(text.Length, Console.BufferWidth > 0 ? Console.BufferWidth - 1 : 0)));
        _open = true;
    }

    public static void End()
    {
        if (_open)
        {
            Console.Error.WriteLine();
            _open = false;
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using KesGateway.Core.Keystore;

namespace KesGateway.Server.Observability;

/// <summary>The metrics KES exposes on <c>/v1/metrics</c>, with KES's names, in Prometheus text format 0.0.4 (kes-compat §11).</summary>
/// <remarks>
/// Kept as plain counters rather than System.Diagnostics.Metrics instruments: the names, HELP texts and the SDK's
/// one-sample-per-family rule are part of the wire contract, and an exporter would rename them.
/// </remarks>
public sealed class KesMetrics
{
    private static readonly double[] Buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 3, 5, 10];

    private readonly ConcurrentDictionary<int, Counter> _byCode = new();
    private readonly long[] _bucketCounts = new long[Buckets.Length];
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _active;
    private long _histogramCount;
    private long _histogramSumMicros;
    private readonly ConcurrentDictionary<(string Tenant, string Limit, string Result), Counter> _rateLimited = new();
    private readonly ConcurrentDictionary<(string Tenant, string Route, int Code), Counter> _requests = new();
    private long _reloads;
    private long _reloadFailures;

    /// <summary>Creates the metrics.</summary>
    public KesMetrics(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>Marks a counted request as started.</summary>
    public void RequestStarted() => Interlocked.Increment(ref _active);

    /// <summary>Marks a counted request as finished with <paramref name="status"/> after <paramref name="elapsed"/>.</summary>
    public void RequestFinished(int status, TimeSpan elapsed)
    {
        Interlocked.Decrement(ref _active);
        _byCode.GetOrAdd(status, static _ => new Counter()).Increment();
        Interlocked.Increment(ref _histogramCount);
        Interlocked.Add(ref _histogramSumMicros, (long)(elapsed.TotalMicroseconds));
        var seconds = elapsed.TotalSeconds;
        for (var i = 0; i < Buckets.Length; i++)
        {
            if (seconds <= Buckets[i])
            {
                Interlocked.Increment(ref _bucketCounts[i]);
                break;
            }
        }
    }

    /// <summary>Counts a rate-limit decision: <paramref name="result"/> is allowed, queued or rejected; <paramref name="limit"/> the budget that decided.</summary>
    public void RateLimited(string tenant, string limit, string result) =>
        _rateLimited.GetOrAdd((tenant, limit, result), static _ => new Counter()).Increment();

    /// <summary>Counts a finished request of <paramref name="tenant"/> on <paramref name="route"/> (a route path, or <c>unmatched</c>).</summary>
    public void Request(string tenant, string route, int code) =>
        _requests.GetOrAdd((tenant, route, code), static _ => new Counter()).Increment();

    /// <summary>Gets or sets the source of the upstream endpoints' health (upstream, endpoint address, healthy) for the metrics.</summary>
    public Func<IEnumerable<(string Upstream, string Endpoint, bool Healthy)>>? UpstreamHealth { get; set; }

    /// <summary>Gets the rate-limit store's Redis status for the metrics, when budgets are shared through Redis.</summary>
    public Func<(bool Available, long Fallbacks, long Transitions)>? RedisStatus { get; set; }

    /// <summary>Counts a configuration reload that was applied (<paramref name="applied"/>) or rejected.</summary>
    public void ConfigReloaded(bool applied) => Interlocked.Increment(ref applied ? ref _reloads : ref _reloadFailures);

    /// <summary>Renders every metric; log-event counts come from the two log streams, cache figures from the current key cache.</summary>
    public string Render(long errorEvents, long auditEvents, KeyCache? cache, string? tenant = null)
    {
        var sb = new StringBuilder(4096);
        var codes = _byCode.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.Value)).OrderBy(kv => kv.Key).ToArray();
        Family(sb, "kes_http_request_success", "counter", "Number of requests that have been served successfully.", codes.Where(c => c.Key < 400));
        Family(sb, "kes_http_request_error", "counter", "Number of request that failed due to some error. (HTTP 4xx status code)", codes.Where(c => c.Key is >= 400 and < 500));
        Family(sb, "kes_http_request_failure", "counter", "Number of request that failed due to some internal failure. (HTTP 5xx status code)", codes.Where(c => c.Key >= 500));
        Single(sb, "kes_http_request_active", "gauge", "Number of active requests that are not finished, yet.", Interlocked.Read(ref _active));

        sb.Append("# HELP kes_http_response_time Histogram of request response times spawning from 10ms to 10s.\n# TYPE kes_http_response_time histogram\n");
        long cumulative = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _bucketCounts[i]);
            sb.Append(CultureInfo.InvariantCulture, $"kes_http_response_time_bucket{{le=\"{Buckets[i].ToString(CultureInfo.InvariantCulture)}\"}} {cumulative}\n");
        }

        var count = Interlocked.Read(ref _histogramCount);
        sb.Append(CultureInfo.InvariantCulture, $"kes_http_response_time_bucket{{le=\"+Inf\"}} {count}\n");
        sb.Append(CultureInfo.InvariantCulture, $"kes_http_response_time_sum {(Interlocked.Read(ref _histogramSumMicros) / 1e6).ToString("R", CultureInfo.InvariantCulture)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"kes_http_response_time_count {count}\n");

        Single(sb, "kes_log_error_events", "counter", "Number of error log events written to error log targets.", errorEvents);
        Single(sb, "kes_log_audit_events", "counter", "Number of audit log events written to audit log targets.", auditEvents);
        var uptime = Math.Round(_time.GetElapsedTime(_started).TotalSeconds, 2);
        sb.Append("# HELP kes_system_up_time The time the server has been up and running in seconds.\n# TYPE kes_system_up_time gauge\n")
          .Append(CultureInfo.InvariantCulture, $"kes_system_up_time {uptime.ToString("R", CultureInfo.InvariantCulture)}\n");
        Single(sb, "kes_system_num_cpu", "gauge", "The number of logical CPUs available on the system.", Environment.ProcessorCount);
        Single(sb, "kes_system_num_cpu_used", "gauge", "The number of logical CPUs usable by the server.", Environment.ProcessorCount);
        Single(sb, "kes_system_num_threads", "gauge", "The number of concurrently running threads.", Process.GetCurrentProcess().Threads.Count);
        Single(sb, "kes_system_mem_heap_used", "gauge", "The number of bytes currently allocated on the heap memory.", GC.GetTotalMemory(forceFullCollection: false));
        // .NET does not count live objects; the family must still carry exactly one sample for the SDK.
        Single(sb, "kes_system_mem_heap_objects", "gauge", "The number of objects currently allocated on the heap memory.", 0);
        Single(sb, "kes_system_mem_stack_used", "gauge", "The number of bytes currently used on the stack memory.", 0);

        // Beyond KES: the key cache (counters restart with the cache on a config reload); a tenant that only forwards has none.
        if (cache is not null)
        {
            RenderCache(sb, cache);
        }

        RenderGateway(sb, tenant);
        return sb.ToString();
    }

    private static void RenderCache(StringBuilder sb, KeyCache cache)
    {
        Single(sb, "kesgw_cache_keys", "gauge", "Keys held in the cache.", cache.Count);
        Single(sb, "kesgw_cache_hits_total", "counter", "Key reads answered from the cache.", cache.Hits);
        Single(sb, "kesgw_cache_misses_total", "counter", "Key reads that waited for the keystore.", cache.Misses);
        Single(sb, "kesgw_cache_loads_total", "counter", "Keystore reads made by the cache (one per key per expiry, however many requests wait).", cache.Loads);
        Single(sb, "kesgw_cache_evictions_total", "counter", "Keys dropped by the any, unused and offline timers.", cache.Evictions);
        Single(sb, "kesgw_cache_served_offline_total", "counter", "Key reads answered from the cache while the keystore was offline.", cache.ServedWhileOffline);
        Single(sb, "kesgw_keystore_offline", "gauge", "1 while the keystore is offline, else 0.", cache.IsOffline ? 1 : 0);
    }

    private void RenderGateway(StringBuilder sb, string? tenant)
    {
        Single(sb, "kesgw_memory_locked", "gauge", "1 when the process memory is locked (mlockall), so keys are never swapped to disk, else 0.", KesGateway.Server.Hosting.MemoryLock.IsLocked ? 1 : 0);
        sb.Append("# HELP kesgw_config_reloads_total Configuration reloads, by result (a rejected one keeps the last good configuration).\n# TYPE kesgw_config_reloads_total counter\n")
          .Append(CultureInfo.InvariantCulture, $"kesgw_config_reloads_total{{result=\"applied\"}} {Interlocked.Read(ref _reloads)}\n")
          .Append(CultureInfo.InvariantCulture, $"kesgw_config_reloads_total{{result=\"rejected\"}} {Interlocked.Read(ref _reloadFailures)}\n");

        // A named tenant sees its own rows only (tenants must not learn of each other's traffic); the default tenant
        // belongs to whoever runs the gateway and sees them all.
        var everything = tenant is null or Configuration.TenantConfig.DefaultName;
        var requests = _requests.Where(e => everything || e.Key.Tenant == tenant).Select(e => (e.Key, e.Value.Value)).OrderBy(e => e.Key).ToArray();
        if (requests.Length > 0)
        {
            sb.Append("# HELP kesgw_requests_total Requests by tenant, route and status code, every route included.\n# TYPE kesgw_requests_total counter\n");
            foreach (var ((t, route, code), value) in requests)
            {
                sb.Append(CultureInfo.InvariantCulture, $"kesgw_requests_total{{tenant=\"{t}\",route=\"{route}\",code=\"{code}\"}} {value}\n");
            }
        }

        var upstreams = everything ? UpstreamHealth?.Invoke().OrderBy(u => (u.Upstream, u.Endpoint)).ToArray() : null;
        if (upstreams is { Length: > 0 })
        {
            sb.Append("# HELP kesgw_upstream_endpoint_healthy 1 while an upstream KES endpoint is in rotation, 0 while its health checks hold it out.\n# TYPE kesgw_upstream_endpoint_healthy gauge\n");
            foreach (var (upstream, endpoint, healthy) in upstreams)
            {
                sb.Append(CultureInfo.InvariantCulture, $"kesgw_upstream_endpoint_healthy{{upstream=\"{upstream}\",endpoint=\"{endpoint}\"}} {(healthy ? 1 : 0)}\n");
            }
        }

        var limited = _rateLimited.Where(e => everything || e.Key.Tenant == tenant).Select(e => (e.Key, e.Value.Value)).OrderBy(e => e.Key).ToArray();
        if (limited.Length > 0)
        {
            sb.Append("# HELP kesgw_ratelimit_requests_total Rate-limit decisions by tenant, deciding budget (tenant, policy, identity; none when no budget made the request wait) and result (allowed, queued, rejected).\n# TYPE kesgw_ratelimit_requests_total counter\n");
            foreach (var ((t, limit, result), value) in limited)
            {
                sb.Append(CultureInfo.InvariantCulture, $"kesgw_ratelimit_requests_total{{tenant=\"{t}\",limit=\"{limit}\",result=\"{result}\"}} {value}\n");
            }
        }

        if (RedisStatus?.Invoke() is var (available, fallbacks, transitions))
        {
            Single(sb, "kesgw_ratelimit_redis_up", "gauge", "1 while budgets are shared through Redis, 0 while this replica enforces them alone.", available ? 1 : 0);
            Single(sb, "kesgw_ratelimit_redis_fallbacks_total", "counter", "Rate-limit decisions taken locally because Redis could not be reached.", fallbacks);
            Single(sb, "kesgw_ratelimit_redis_transitions_total", "counter", "Switches between shared (Redis) and local budgets.", transitions);
        }
    }

    // The Go registry omits a labelled family until its first sample; the SDK rejects empty families.
    private static void Family(StringBuilder sb, string name, string type, string help, IEnumerable<KeyValuePair<int, long>> samples)
    {
        var list = samples.ToArray();
        if (list.Length == 0)
        {
            return;
        }

        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        foreach (var (code, value) in list)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}{{code=\"{code}\"}} {value}\n");
        }
    }

    private static void Single(StringBuilder sb, string name, string type, string help, long value) =>
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");

    /// <summary>One labelled counter. Found with a lock-free dictionary read and bumped with one atomic add, where
    /// <c>AddOrUpdate</c> would take the dictionary's bucket lock on every request.</summary>
    private sealed class Counter
    {
        private long _value;

        public long Value => Volatile.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }
}

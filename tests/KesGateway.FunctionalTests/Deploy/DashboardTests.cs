using System.Text.Json;
using System.Text.RegularExpressions;
using KesGateway.Core.Keystore;
using KesGateway.Core.Keystore.Memory;
using KesGateway.Server.Observability;
using YamlDotNet.RepresentationModel;

namespace KesGateway.FunctionalTests.Deploy;

/// <summary>
/// deploy/grafana: every query of the dashboard names a metric the server really emits, with labels it really has,
/// checked against what <see cref="KesMetrics"/> renders (every optional family switched on), not a list kept here.
/// </summary>
public sealed partial class DashboardTests
{
    private const string Dashboard = "deploy/grafana/kesgw-dashboard.json";

    [Fact]
    public void Dashboard_EveryQuery_NamesARenderedMetricAndItsLabels()
    {
        var emitted = RenderedMetrics();
        using var json = JsonDocument.Parse(File.ReadAllText(DeployFiles.PathOf(Dashboard)));
        var exprs = Panels(json.RootElement)
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToArray();

        Assert.True(exprs.Length >= 15, $"only {exprs.Length} queries");
        foreach (var expr in exprs)
        {
            var names = MetricName().Matches(expr).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToArray();
            Assert.True(names.Length > 0, $"no metric in '{expr}'");
            foreach (var name in names)
            {
                Assert.True(emitted.ContainsKey(name), $"'{expr}' uses {name}, which /v1/metrics does not emit");
            }

            // Labels grouped by or matched on exist on the metric (job and instance come from Prometheus).
            var labels = names.SelectMany(n => emitted[n]).Concat(["job", "instance"]).ToHashSet(StringComparer.Ordinal);
            foreach (Match by in GroupBy().Matches(expr))
            {
                Assert.All(by.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries), l => Assert.Contains(l, labels));
            }

            foreach (Match matcher in LabelMatcher().Matches(expr))
            {
                Assert.Contains(matcher.Groups[1].Value, labels);
            }
        }
    }

    [Fact]
    public void Dashboard_IsImportable_OneDatasourceInputUniquePanelIds()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(DeployFiles.PathOf(Dashboard)));
        var root = json.RootElement;
        var input = Assert.Single(root.GetProperty("__inputs").EnumerateArray());
        var ids = Panels(root).Select(p => p.GetProperty("id").GetInt32()).ToArray();

        Assert.Equal("DS_PROMETHEUS", input.GetProperty("name").GetString());
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(Panels(root).Where(p => p.TryGetProperty("datasource", out _)), p => Assert.Equal("${DS_PROMETHEUS}", p.GetProperty("datasource").GetProperty("uid").GetString()));
        Assert.Equal("kesgw", root.GetProperty("uid").GetString());
    }

    [Fact]
    public void PrometheusScrapeJob_ScrapesV1MetricsOverMutualTls()
    {
        var job = Assert.Single(DeployFiles.Yaml("deploy/grafana/prometheus-scrape.yml").Items("scrape_configs"));

        Assert.Equal(("https", "/v1/metrics"), (job.Text("scheme"), job.Text("metrics_path")));
        Assert.False(string.IsNullOrEmpty(job.Text("tls_config", "cert_file")));
        Assert.False(string.IsNullOrEmpty(job.Text("tls_config", "key_file")));
        Assert.NotEmpty(job.Items("static_configs").SelectMany(s => s.Items("targets")).OfType<YamlScalarNode>());
    }

    /// <summary>Metric name → label names, from the Prometheus text KesMetrics renders with every family present.</summary>
    private static Dictionary<string, HashSet<string>> RenderedMetrics()
    {
        var metrics = new KesMetrics(TimeProvider.System);
        metrics.RequestStarted();
        metrics.RequestFinished(200, TimeSpan.FromMilliseconds(3));
        metrics.RequestStarted();
        metrics.RequestFinished(429, TimeSpan.FromMilliseconds(3));
        metrics.RequestStarted();
        metrics.RequestFinished(502, TimeSpan.FromMilliseconds(3));
        metrics.RateLimited("acme", "tenant", "rejected");
        metrics.RedisStatus = () => (true, 0, 0);
        metrics.Request("acme", "/v1/key/generate/", 200);
        metrics.UpstreamHealth = () => [("kes-main", "https://kes-1.internal:7373", true)];
        var cache = new KeyCache(new MemoryKeyStore(), new KeyCacheOptions());
        var text = metrics.Render(0, 0, cache);

        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var name = SampleName().Match(line).Value;
            var labels = result.TryGetValue(name, out var set) ? set : result[name] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match label in SampleLabel().Matches(line))
            {
                labels.Add(label.Groups[1].Value);
            }
        }

        return result;
    }

    private static IEnumerable<JsonElement> Panels(JsonElement root) =>
        root.GetProperty("panels").EnumerateArray().SelectMany(p =>
            p.TryGetProperty("panels", out var nested) ? nested.EnumerateArray().Prepend(p) : [p]);

    [GeneratedRegex(@"\bkes(gw)?_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\bby \(([^)]*)\)")]
    private static partial Regex GroupBy();

    [GeneratedRegex(@"[{,]\s*([a-z_]+)\s*=~?")]
    private static partial Regex LabelMatcher();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SampleName();

    [GeneratedRegex(@"[{,]([a-zA-Z_]+)=""")]
    private static partial Regex SampleLabel();
}

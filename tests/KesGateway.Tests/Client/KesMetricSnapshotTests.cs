using KesGateway.Core.Client;

namespace KesGateway.Tests.Client;

public sealed class KesMetricSnapshotTests
{
    // What KES (and KesGateway) send: labelled request counters, the histogram, single-sample gauges, extra families.
    private const string Exposition = """
        # HELP kes_http_request_success Number of requests that have been served successfully.
        # TYPE kes_http_request_success counter
        kes_http_request_success{code="200"} 12
        kes_http_request_success{code="204"} 3
        # TYPE kes_http_request_error counter
        kes_http_request_error{code="403"} 2
        kes_http_request_error{code="404"} 1
        # TYPE kes_http_request_failure counter
        kes_http_request_failure{code="502"} 1
        kes_http_request_active 4
        # TYPE kes_http_response_time histogram
        kes_http_response_time_bucket{le="0.01"} 10
        kes_http_response_time_bucket{le="0.05"} 18
        kes_http_response_time_bucket{le="0.1"} 19
        kes_http_response_time_bucket{le="+Inf"} 19
        kes_http_response_time_sum 0.38
        kes_http_response_time_count 19
        kes_log_error_events 5
        kes_log_audit_events 7
        kes_system_up_time 3723.5
        kes_system_num_cpu 8
        kes_system_num_cpu_used 6
        kes_system_num_threads 31
        kes_system_mem_heap_used 1.2345e+07
        kes_system_mem_heap_objects 99
        kes_system_mem_stack_used 65536
        kesgw_cache_keys 3
        kesgw_config_reloads_total{result="applied",note="a \"quoted\" value"} 1
        """;

    [Fact]
    public void Parse_KesExposition_DecodesAsTheGoSdk()
    {
        var sut = KesMetricSnapshot.Parse(Exposition);

        Assert.Equal(15UL, sut.RequestOK);
        Assert.Equal(3UL, sut.RequestErr);
        Assert.Equal(1UL, sut.RequestFail);
        Assert.Equal(19UL, sut.RequestN);
        Assert.Equal(4UL, sut.RequestActive);
        Assert.Equal(5UL, sut.ErrorEvents);
        Assert.Equal(7UL, sut.AuditEvents);
        Assert.Equal(
            [(TimeSpan.FromMilliseconds(10), 10UL), (TimeSpan.FromMilliseconds(50), 18UL), (TimeSpan.FromMilliseconds(100), 19UL)],
            sut.LatencyHistogram.OrderBy(b => b.Key).Select(b => (b.Key, b.Value)));
        Assert.Equal(TimeSpan.FromMilliseconds(20), sut.AverageLatency);
        Assert.Equal(TimeSpan.FromSeconds(3723.5), sut.UpTime);
        Assert.Equal(8, sut.CPUs);
        Assert.Equal(6, sut.UsableCPUs);
        Assert.Equal(31, sut.Threads);
        Assert.Equal(12_345_000UL, sut.HeapAlloc);
        Assert.Equal(99UL, sut.HeapObjects);
        Assert.Equal(65536UL, sut.StackAlloc);
    }

    [Fact]
    public void AverageLatency_WithoutSumAndCount_EstimatedFromBuckets()
    {
        var sut = KesMetricSnapshot.Parse("""
            kes_http_response_time_bucket{le="0.01"} 2
            kes_http_response_time_bucket{le="0.05"} 4
            """);

        Assert.Equal(TimeSpan.FromMilliseconds(30), sut.AverageLatency);
    }

    [Fact]
    public void Parse_Empty_AllZero()
    {
        var sut = KesMetricSnapshot.Parse(string.Empty);

        Assert.Equal(0UL, sut.RequestN);
        Assert.Equal(TimeSpan.Zero, sut.AverageLatency);
        Assert.Empty(sut.LatencyHistogram);
    }

    [Theory]
    [InlineData("kes_http_request_success{code=\"200\" 1", "line 1")]
    [InlineData("ok 1\nkes_http_request_active", "line 2")]
    [InlineData("kes_http_request_active one", "invalid value 'one'")]
    [InlineData("{code=\"200\"} 1", "no metric name")]
    public void Parse_Malformed_FormatExceptionNamesTheLine(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => KesMetricSnapshot.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

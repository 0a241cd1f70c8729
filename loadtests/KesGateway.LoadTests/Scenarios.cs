namespace KesGateway.LoadTests;

/// <summary>A named scenario: what one operation of the load is.</summary>
public abstract class Scenario
{
    public static readonly string[] Names = ["generate", "decrypt", "bulk-decrypt", "status", "handshake", "minio"];

    public abstract string Name { get; }

    /// <summary>Runs one operation; returns its HTTP status (the first failure's) and how many calls it made.</summary>
    public abstract ValueTask<(int Status, int Calls)> RunAsync(IKesTransport transport, int worker, CancellationToken cancellationToken);

    /// <summary>Starts background traffic that runs beside the operations (MinIO's DescribeKey every 10 s per node).</summary>
    public virtual Task BackgroundAsync(IKesTransport transport, LoadStats stats, CancellationToken cancellationToken) => Task.CompletedTask;

    public static Scenario Create(string name, int listSize = 100, int nodes = 4) => name switch
    {
        "generate" => new SingleCall(name, KesCall.Generate),
        "decrypt" => new SingleCall(name, KesCall.Decrypt),
        "bulk-decrypt" => new SingleCall(name, KesCall.BulkDecrypt),
        "status" => new SingleCall(name, KesCall.Status),
        "handshake" => new SingleCall(name, KesCall.StatusNewConnection),
        "minio" => new MinioMix(listSize, nodes),
        _ => throw new UsageException($"unknown scenario '{name}'; one of: {string.Join(", ", Names)}"),
    };

    private sealed class SingleCall(string name, KesCall call) : Scenario
    {
        public override string Name => name;

        public override async ValueTask<(int Status, int Calls)> RunAsync(IKesTransport transport, int worker, CancellationToken cancellationToken) =>
            (await transport.CallAsync(call, worker, cancellationToken).ConfigureAwait(false), 1);
    }

    /// <summary>
    /// MinIO's real mix (spec users-and-anchors §3b): PUT = 1 generate, GET and HEAD = 1 decrypt, LIST of N SSE-S3 objects
    /// = N sequential decrypts, readiness probe = 1 generate; beside them DescribeKey every 10 s per MinIO node.
    /// Weights per 100 operations: 40 PUT, 40 GET, 10 HEAD, 5 LIST, 5 readiness.
    /// </summary>
    private sealed class MinioMix(int listSize, int nodes) : Scenario
    {
        public override string Name => "minio";

        public override async ValueTask<(int Status, int Calls)> RunAsync(IKesTransport transport, int worker, CancellationToken cancellationToken)
        {
            var roll = Random.Shared.Next(100);
            if (roll < 40 || roll >= 95)
            {
                return (await transport.CallAsync(KesCall.Generate, worker, cancellationToken).ConfigureAwait(false), 1);
            }

            if (roll < 90)
            {
                return (await transport.CallAsync(KesCall.Decrypt, worker, cancellationToken).ConfigureAwait(false), 1);
            }

            for (var i = 0; i < listSize; i++)
            {
                var status = await transport.CallAsync(KesCall.Decrypt, worker, cancellationToken).ConfigureAwait(false);
                if (status != 200)
                {
                    return (status, i + 1);
                }
            }

            return (200, listSize);
        }

        public override Task BackgroundAsync(IKesTransport transport, LoadStats stats, CancellationToken cancellationToken) =>
            Task.WhenAll(Enumerable.Range(0, nodes).Select(async node =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
                try
                {
                    do
                    {
                        var start = System.Diagnostics.Stopwatch.GetTimestamp();
                        var status = await transport.CallAsync(KesCall.Describe, node, cancellationToken).ConfigureAwait(false);
                        stats.Record(start, System.Diagnostics.Stopwatch.GetTimestamp(), status, 1);
                    }
                    while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
                }
                catch (OperationCanceledException)
                {
                }
            }));
    }
}

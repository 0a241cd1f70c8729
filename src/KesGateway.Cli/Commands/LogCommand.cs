using System.CommandLine;
using System.Globalization;
using System.Text;
using KesGateway.Cli.Infrastructure;
using KesGateway.Cli.Output;
using KesGateway.Core.Client;
using KesGateway.Core.Protocol;

namespace KesGateway.Cli.Commands;

/// <summary>
/// <c>kesgw log</c>: follows the server's audit log (default) or error log (<c>GET /v1/log/audit</c>,
/// <c>GET /v1/log/error</c>) until Ctrl+C (kes cmd/kes/log.go).
/// </summary>
internal sealed class LogCommand : ClientCommand
{
    private const string AuditHeader = "Time        Status    Identity                IP                 API                               Latency";

    private readonly Option<bool> _audit = new("--audit")
    {
        Description = "Follow the audit log: one line per request (the default).",
    };

    private readonly Option<bool> _error = new("--error")
    {
        Description = "Follow the error log instead.",
    };

    private readonly Option<bool> _json = JsonOption("each event");

    /// <summary>Creates the command.</summary>
    public LogCommand(CliContext context)
        : base("log", """
            Follow the server's audit log (every request: time, status, identity, client IP, API, latency) or, with
            --error, its error log, from now on until Ctrl+C, which exits with code 0. The server sends no history.
            With --json, or when stdout is not a terminal, each event is printed as the server sent it: one JSON
            object per line (NDJSON). A line on stderr says when the stream is connected.

            Examples:
              kesgw log
              kesgw log --error
              kesgw log --json | jq 'select(.response.code != 200)'
            """, context)
    {
        Options.Add(_audit);
        Options.Add(_error);
        Options.Add(_json);
    }

    /// <inheritdoc/>
    protected override void Validate(ParseResult parseResult)
    {
        if (parseResult.GetValue(_audit) && parseResult.GetValue(_error))
        {
            throw new CliException("cannot display audit and error logs at the same time: use --audit or --error");
        }
    }

    /// <inheritdoc/>
    protected override async Task<int> ExecuteAsync(ParseResult parseResult, KesConnection connection, CancellationToken cancellationToken)
    {
        var stdout = parseResult.InvocationConfiguration.Output;
        var stderr = parseResult.InvocationConfiguration.Error;
        var json = parseResult.GetValue(_json) || !Context.IsTerminal;
        var error = parseResult.GetValue(_error);
        var what = error ? "error log" : "audit log";
        try
        {
            if (error)
            {
                var subscription = await connection.CallAsync($"failed to connect to the {what}", c => c.OpenErrorLogAsync(cancellationToken));
                await using (subscription)
                {
                    await ConnectedAsync(stderr, connection, what);
                    await foreach (var item in Read(connection, subscription, what, cancellationToken))
                    {
                        await stdout.WriteAsync(json ? Json(item, CliJsonContext.Relaxed.ErrorEvent) : item.Message + "\n");
                        await stdout.FlushAsync(cancellationToken);
                    }
                }
            }
            else
            {
                var subscription = await connection.CallAsync($"failed to connect to the {what}", c => c.OpenAuditLogAsync(cancellationToken));
                await using (subscription)
                {
                    await ConnectedAsync(stderr, connection, what);
                    if (!json)
                    {
                        await stdout.WriteAsync(AuditHeader + "\n");
                        await stdout.FlushAsync(cancellationToken);
                    }

                    await foreach (var item in Read(connection, subscription, what, cancellationToken))
                    {
                        await stdout.WriteAsync(json ? Json(item, CliJsonContext.Relaxed.AuditEvent) : AuditLine(item));
                        await stdout.FlushAsync(cancellationToken);
                    }
                }
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or IOException or KesException)
        {
            // Ctrl+C: the normal way to stop following.
            return CliExitCodes.Success;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return CliExitCodes.Success;
        }

        throw new CliException($"the server {connection.Client.CurrentEndpoint} closed the {what} stream", CliExitCodes.Failure);
    }

    private static Task ConnectedAsync(TextWriter stderr, KesConnection connection, string what) =>
        stderr.WriteLineAsync($"Following the {what} of {connection.Client.CurrentEndpoint}. Press Ctrl+C to stop.");

    private static async IAsyncEnumerable<T> Read<T>(
        KesConnection connection,
        KesLogSubscription<T> subscription,
        string what,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var enumerator = subscription.GetAsyncEnumerator(cancellationToken);
        await using (enumerator)
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync();
                }
                catch (KesException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw connection.Translate($"the {what} stream ended", ex);
                }

                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
    }

    // Columns as kes prints them: time, status (5), identity (first 20 characters), IP (15), API path (30), latency.
    private string AuditLine(AuditEvent item)
    {
        var time = TimeZoneInfo.ConvertTime(item.Time, Context.TimeProvider.LocalTimeZone);
        var identity = item.Request.Identity ?? "<unknown>";
        if (identity.Length > 20)
        {
            identity = identity[..20];
        }

        var line = new StringBuilder();
        line.Append(time.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append("    ");
        line.Append(item.Response.Code.ToString(CultureInfo.InvariantCulture).PadRight(5)).Append("     ");
        line.Append(identity).Append("    ");
        line.Append((item.Request.IP ?? "<unknown>").PadRight(15)).Append("    ");
        line.Append(item.Request.Path.PadRight(30)).Append("    ");
        line.Append(GoDuration.Format(RoundLatency(TimeSpan.FromTicks(item.Response.Time / TimeSpan.NanosecondsPerTick))));
        return line.Append('\n').ToString();
    }

    private static TimeSpan RoundLatency(TimeSpan latency) => latency switch
    {
        _ when latency >= TimeSpan.FromSeconds(1) => TextFormat.Round(latency, TimeSpan.FromMilliseconds(100)),
        _ when latency >= TimeSpan.FromMilliseconds(10) => TextFormat.Round(latency, TimeSpan.FromMilliseconds(1)),
        _ when latency >= TimeSpan.FromMilliseconds(1) => TextFormat.Round(latency, TimeSpan.FromMicroseconds(100)),
        _ when latency >= TimeSpan.FromMicroseconds(10) => TextFormat.Round(latency, TimeSpan.FromMicroseconds(1)),
        _ => latency,
    };
}

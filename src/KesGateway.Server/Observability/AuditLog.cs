using System.Globalization;
using System.Text;
using System.Threading.Channels;
using KesGateway.Core.Protocol;
using KesGateway.Server.Hosting;

namespace KesGateway.Server.Observability;

/// <summary>The audit log: one event per request (KES audits only create, import and delete; we audit everything).</summary>
/// <remarks>
/// Events go to every <c>/v1/log/audit</c> subscriber at once, and to stdout as one text line each when the audit level
/// allows INFO. Lines are formatted and written by one background writer that wakes at most every few milliseconds and
/// flushes when it has caught up, so a request never waits for a write(2) or for another request's line, and a burst
/// costs one write per batch. The queue
/// is bounded: when stdout cannot keep up, requests wait for room rather than lines being dropped or memory growing.
/// Disposing drains the queue, so every request answered before shutdown is in the log.
/// </remarks>
public sealed class AuditLog : IAsyncDisposable
{
    private const int QueueCapacity = 16 * 1024;
    private const int LineBuffer = 1024;
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(5);

    private readonly GatewayStateHolder _state;
    private readonly TextWriter _output;
    private readonly bool _ownsOutput;
    private readonly Channel<Entry> _queue = Channel.CreateBounded<Entry>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Task _writer;

    /// <summary>Creates the audit log writing text lines to <paramref name="console"/> (stdout in the server).</summary>
    public AuditLog(GatewayStateHolder state, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(console);
        _state = state;

        // Console.Out flushes every line; the process's stdout gets our own buffered writer, flushed per batch.
        if (ReferenceEquals(console, Console.Out))
        {
            _output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024) { AutoFlush = false };
            _ownsOutput = true;
        }
        else
        {
            _output = console;
        }

        _writer = Task.Run(WriteLinesAsync);
    }

    /// <summary>Gets the live stream subscribers.</summary>
    public LogBroadcaster<AuditEvent> Stream { get; } = new();

    /// <summary>Records one finished request of <paramref name="tenant"/> (the default tenant's when <see langword="null"/>).</summary>
    /// <returns>Completes at once unless the queue is full, then when the line has room.</returns>
    public ValueTask WriteAsync(AuditEvent auditEvent, string method, string? tenant = null)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        Stream.Publish(auditEvent, tenant);
        if (_state.Current.Config.Log.Audit > 0)
        {
            return ValueTask.CompletedTask;
        }

        var entry = new Entry(auditEvent, method, tenant);
        return _queue.Writer.TryWrite(entry) ? ValueTask.CompletedTask : WaitForRoomAsync(entry);
    }

    /// <summary>Writes every queued line and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        if (_ownsOutput)
        {
            await _output.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask WaitForRoomAsync(Entry entry)
    {
        try
        {
            await _queue.Writer.WriteAsync(entry).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // A request that outlived shutdown: the writer is gone, so the line is written here.
            lock (_output)
            {
                var buffer = new char[LineBuffer];
                Write(_output, entry, ref buffer);
                _output.Flush();
            }
        }
    }

    private async Task WriteLinesAsync()
    {
        var reader = _queue.Reader;
        var buffer = new char[LineBuffer];
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            lock (_output)
            {
                try
                {
                    while (reader.TryRead(out var entry))
                    {
                        Write(_output, entry, ref buffer);
                    }

                    _output.Flush();
                }
                catch (IOException)
                {
                    // stdout closed (the reader of our pipe went away): nothing can be written anywhere; keep draining
                    // so requests never wait on a dead pipe.
                }
                catch (ObjectDisposedException)
                {
                }
            }

            // Let lines gather before waiting again: a writer woken for every line would cost each request a thread
            // wake-up. Lines reach stdout at most this late; live subscribers get them at once.
            if (!reader.Completion.IsCompleted)
            {
                await Task.Delay(Coalesce).ConfigureAwait(false);
            }
        }
    }

    private static void Write(TextWriter output, Entry entry, ref char[] buffer)
    {
        var (auditEvent, method, tenant) = entry;
        var named = tenant is not (null or Configuration.TenantConfig.DefaultName);

        // slog's text format, as KES prints audit lines; key material never appears in an audit event.
        int written;
        while (!buffer.AsSpan().TryWrite(
            CultureInfo.InvariantCulture,
            $"time={auditEvent.Time:yyyy-MM-ddTHH:mm:ss.fffzzz} level=INFO msg=\"request\" {(named ? "tenant=" : null)}{(named ? tenant : null)}{(named ? " " : null)}req.method={method} req.path={auditEvent.Request.Path} req.ip={auditEvent.Request.IP ?? "<unknown>"} req.identity={auditEvent.Request.Identity ?? "<unknown>"} res.code={auditEvent.Response.Code} res.time={TimeSpan.FromTicks(auditEvent.Response.Time / 100).TotalMilliseconds:0.###}ms\n",
            out written))
        {
            // A path longer than the buffer: grow it once for this and later lines.
            buffer = new char[buffer.Length * 2];
        }

        output.Write(buffer.AsSpan(0, written));
    }

    private readonly record struct Entry(AuditEvent Event, string Method, string? Tenant);
}

using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KesGateway.Core.Client;

/// <summary>
/// A subscribed KES log stream (<c>/v1/log/audit</c> or <c>/v1/log/error</c>): one JSON object per line, read until the
/// server closes the stream or the enumeration is cancelled. Enumerate it once; dispose it to unsubscribe.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class KesLogSubscription<T> : IAsyncEnumerable<T>, IAsyncDisposable
{
    // kms-go caps nothing per line; one event is small, so a line longer than this is a broken stream.
    private const int MaxLineLength = 1 << 20;

    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly string _endpoint;
    private int _enumerated;

    internal KesLogSubscription(HttpResponseMessage response, Stream body, JsonTypeInfo<T> typeInfo, string endpoint)
    {
        _response = response;
        _body = body;
        _typeInfo = typeInfo;
        _endpoint = endpoint;
    }

    /// <inheritdoc/>
    /// <exception cref="KesException">A line is not a valid event, is too long, or the connection broke.</exception>
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A log stream can be enumerated once.");
        }

        await foreach (var line in ReadLinesAsync(cancellationToken).ConfigureAwait(false))
        {
            T? item;
            try
            {
                item = JsonSerializer.Deserialize(line.Span, _typeInfo);
            }
            catch (JsonException ex)
            {
                throw new KesException(KesErrorKind.InvalidResponse, $"invalid log event from {_endpoint}: {ex.Message}", _endpoint, ex);
            }

            if (item is not null)
            {
                yield return item;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var line = buffer.AsMemory(start, newline);
                    start += newline + 1;
                    if (!line.Span.Trim(" \t\r"u8).IsEmpty)
                    {
                        yield return line;
                    }

                    continue;
                }

                // Make room: move the partial line to the front, or grow when one line fills the buffer.
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxLineLength)
                    {
                        throw new KesException(KesErrorKind.InvalidResponse, $"log event from {_endpoint} exceeds {MaxLineLength} bytes", _endpoint);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, end).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read;
                try
                {
                    read = await _body.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    throw new KesException(KesErrorKind.Network, $"log stream from {_endpoint} broke: {ex.Message}", _endpoint, ex);
                }

                if (read == 0)
                {
                    if (end > start && !buffer.AsSpan(start, end - start).Trim(" \t\r"u8).IsEmpty)
                    {
                        yield return buffer.AsMemory(start, end - start);
                    }

                    yield break;
                }

                end += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

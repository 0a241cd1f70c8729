using System.Buffers;
using System.Net.Http.Headers;

namespace KesGateway.Core.Client;

/// <summary>
/// A response body read into a pooled buffer with a hard size cap, so a broken or hostile server cannot exhaust memory.
/// Dispose it to clear (the body may hold key material) and return the buffer.
/// </summary>
internal sealed class BoundedBody : IDisposable
{
    /// <summary>The cap kms-go applies to most answers: 1 MiB.</summary>
    public const int DefaultLimit = 1 << 20;

    private byte[] _buffer;
    private int _length;

    private BoundedBody(byte[] buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Gets the bytes read.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>Gets whether the body was longer than the limit (only the first limit bytes were kept).</summary>
    public bool Truncated { get; private set; }

    /// <summary>Reads at most <paramref name="limit"/> bytes of <paramref name="content"/>.</summary>
    public static async Task<BoundedBody> ReadAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var declared = content.Headers.ContentLength;
        var initial = declared is > 0 and var n && n <= limit ? (int)n + 1 : 4096;
        var body = new BoundedBody(ArrayPool<byte>.Shared.Rent(Math.Min(initial, limit + 1)));
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    if (body._length == body._buffer.Length)
                    {
                        if (body._length > limit)
                        {
                            break;
                        }

                        body.Grow(Math.Min(body._buffer.Length * 2, limit + 1));
                    }

                    var read = await stream.ReadAsync(body._buffer.AsMemory(body._length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    body._length += read;
                }
            }

            if (body._length > limit)
            {
                body.Truncated = true;
                body._length = limit;
            }

            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>Gets the media type of <paramref name="headers"/>, or null.</summary>
    public static string? ContentType(HttpContentHeaders headers) => headers.ContentType?.ToString();

    /// <inheritdoc/>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }

        _length = 0;
    }

    private void Grow(int size)
    {
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer, clearArray: true);
        _buffer = larger;
    }
}

using System.Buffers;
using System.Runtime.InteropServices;
using Org.BouncyCastle.Tls;

namespace KesGateway.Core.Client;

/// <summary>
/// An async TLS stream over BouncyCastle's non-blocking protocol engine: bytes from the socket are offered to the
/// engine and its output is written back, so no thread blocks on I/O (BouncyCastle's own stream is synchronous, and
/// <see cref="Stream"/>'s default async wrappers would serialise a pending read with every write — a deadlock for an
/// HTTP connection pool that keeps a read pending on idle connections).
/// </summary>
/// <remarks>
/// One reader and one writer may run concurrently (HTTP/2 needs that). The engine is not thread-safe, so every call
/// into it holds <see cref="_engineLock"/>; output is taken from the engine and written to the socket while holding
/// <see cref="_sendLock"/>, so records leave in the order the engine produced them.
/// </remarks>
internal sealed class TlsClientStream : Stream
{
    private const int ReceiveBufferSize = 16 * 1024 + 512;

    private readonly Stream _transport;
    private readonly TlsClientProtocol _engine;
    private readonly Lock _engineLock = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _receiveBuffer = new byte[ReceiveBufferSize];
    private bool _inputClosed;
    private int _closing;
    private int _pendingReads;
    private int _disposed;

    private TlsClientStream(Stream transport, TlsClientProtocol engine)
    {
        _transport = transport;
        _engine = engine;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Runs the handshake over <paramref name="transport"/>; the stream owns the transport afterwards.</summary>
    /// <exception cref="TlsException">The handshake failed (alert sent or received).</exception>
    /// <exception cref="IOException">The connection closed during the handshake.</exception>
    public static async Task<TlsClientStream> ConnectAsync(Stream transport, TlsClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var stream = new TlsClientStream(transport, new TlsClientProtocol());
        try
        {
            lock (stream._engineLock)
            {
                stream._engine.Connect(client);
            }

            await stream.SendPendingAsync(cancellationToken).ConfigureAwait(false);
            while (IsHandshaking(stream))
            {
                var read = await transport.ReadAsync(stream._receiveBuffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("the server closed the connection during the TLS handshake");
                }

                await stream.OfferAsync(read, cancellationToken).ConfigureAwait(false);
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        static bool IsHandshaking(TlsClientStream stream)
        {
            lock (stream._engineLock)
            {
                return stream._engine.IsHandshaking;
            }
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        while (true)
        {
            lock (_engineLock)
            {
                var available = _engine.GetAvailableInputBytes();
                if (available > 0)
                {
                    // A zero-byte read only waits for data, as on sockets; it consumes nothing.
                    return buffer.IsEmpty ? 0 : ReadInput(buffer, available);
                }

                if (_inputClosed || _engine.IsClosed)
                {
                    return 0;
                }
            }

            int read;
            Interlocked.Increment(ref _pendingReads);
            try
            {
                read = await _transport.ReadAsync(_receiveBuffer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _pendingReads);
            }

            if (read == 0)
            {
                lock (_engineLock)
                {
                    _inputClosed = true;
                    try
                    {
                        _engine.CloseInput();
                    }
                    catch (IOException)
                    {
                        // Truncated record or missing close_notify: HTTP's own framing decides whether data is missing.
                    }
                }

                continue;
            }

            await OfferAsync(read, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (buffer.IsEmpty)
        {
            return;
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] output;
            int length;
            lock (_engineLock)
            {
                _engine.WriteApplicationData(buffer.Span);
                (output, length) = TakeOutput();
            }

            try
            {
                await SendAsync(output, length, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (ex is not TlsException)
            {
                if (await TryReceiveAlertAsync().ConfigureAwait(false) is { } alert)
                {
                    throw alert;
                }

                throw;
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    /// <remarks>The client only uses the async methods; blocking here would hold a thread per connection.</remarks>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use ReadAsync.");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use WriteAsync.");

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _closing, 1) == 0)
        {
            // Best effort close_notify; the server does not need it (HTTP framing), so never wait long for it.
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                try
                {
                    byte[] output;
                    int length;
                    lock (_engineLock)
                    {
                        _engine.Close();
                        (output, length) = TakeOutput();
                    }

                    await SendAsync(output, length, timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The connection is going away anyway.
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            lock (_engineLock)
            {
                try
                {
                    _engine.Close();
                }
                catch (IOException)
                {
                    // Already failed or closed.
                }
            }

            _transport.Dispose();
            _sendLock.Dispose();
        }

        base.Dispose(disposing);
    }

    private int ReadInput(Memory<byte> buffer, int available)
    {
        var count = Math.Min(available, buffer.Length);
        if (MemoryMarshal.TryGetArray<byte>(buffer, out var segment))
        {
            return _engine.ReadInput(segment.Array!, segment.Offset, count);
        }

        var rented = ArrayPool<byte>.Shared.Rent(count);
        try
        {
            var read = _engine.ReadInput(rented, 0, count);
            rented.AsSpan(0, read).CopyTo(buffer.Span);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    // Feeds received bytes to the engine and sends what it answers (handshake messages, alerts, key updates).
    private async Task OfferAsync(int count, CancellationToken cancellationToken)
    {
        try
        {
            lock (_engineLock)
            {
                _engine.OfferInput(_receiveBuffer, 0, count);
            }
        }
        catch (IOException)
        {
            // The engine queued a fatal alert for the server; send it so the server logs why, then fail.
            await TrySendPendingAsync().ConfigureAwait(false);
            throw;
        }

        bool hasOutput;
        lock (_engineLock)
        {
            hasOutput = _engine.GetAvailableOutputBytes() > 0;
        }

        // Usually nothing: application data needs no answer. Not taking the send lock then keeps reads independent of writes.
        if (hasOutput)
        {
            await SendPendingAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] output;
            int length;
            lock (_engineLock)
            {
                (output, length) = TakeOutput();
            }

            await SendAsync(output, length, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task TrySendPendingAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await SendPendingAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The alert is a courtesy.
        }
    }

    // A TLS 1.3 server judges the client certificate after the client's last handshake flight, so its refusal (an alert,
    // then close) can arrive while the first request is being written, which then fails with a bare "connection reset".
    // If no read is under way, look at what the server sent last: a fatal alert is the real cause.
    private async Task<TlsFatalAlertReceived?> TryReceiveAlertAsync()
    {
        if (Volatile.Read(ref _pendingReads) != 0)
        {
            return null;
        }

        var buffer = new byte[ReceiveBufferSize];
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            while (true)
            {
                var read = await _transport.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return null;
                }

                lock (_engineLock)
                {
                    _engine.OfferInput(buffer, 0, read);
                }
            }
        }
        catch (TlsFatalAlertReceived alert)
        {
            return alert;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            return null;
        }
    }

    private (byte[] Output, int Length) TakeOutput()
    {
        var length = _engine.GetAvailableOutputBytes();
        if (length == 0)
        {
            return ([], 0);
        }

        var output = ArrayPool<byte>.Shared.Rent(length);
        return (output, _engine.ReadOutput(output, 0, length));
    }

    private async ValueTask SendAsync(byte[] output, int length, CancellationToken cancellationToken)
    {
        if (length == 0)
        {
            return;
        }

        try
        {
            await _transport.WriteAsync(output.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }
}

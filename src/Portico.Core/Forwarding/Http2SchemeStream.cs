using System.Buffers;
using System.Runtime.CompilerServices;

namespace Portico.Forwarding;

/// <summary>
/// The TLS stream of an HTTP/2 backend connection, as handed to SocketsHttpHandler. The handler sees an http URL (so
/// that Portico, not the handler, negotiates TLS) and therefore sends <c>:scheme: http</c>, which servers may refuse on
/// a TLS connection (Kestrel resets such streams). Writes are scanned by <see cref="Http2SchemeScanner"/> and the
/// scheme byte is rewritten to https in a pooled copy; reads pass through untouched.
/// </summary>
internal sealed class Http2SchemeStream(Stream inner) : Stream
{
    private Http2SchemeScanner _scanner = Http2SchemeScanner.Start;

    public Stream Inner => inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // The handler writes from one loop at a time, so the scanner needs no lock.
        var saved = _scanner;
        if (!_scanner.Advance(buffer, default))
        {
            inner.Write(buffer);
            return;
        }

        _scanner = saved;
        var copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var span = copy.AsSpan(0, buffer.Length);
            buffer.CopyTo(span);
            _scanner.Advance(span, span);
            inner.Write(span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var saved = _scanner;
        if (!_scanner.Advance(buffer.Span, default))
        {
            return inner.WriteAsync(buffer, cancellationToken);
        }

        _scanner = saved;
        return WritePatchedAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Runs once per request (the write carrying its HEADERS frame): the pooling builder avoids a state machine allocation.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WritePatchedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var memory = copy.AsMemory(0, buffer.Length);
            buffer.CopyTo(memory);
            _scanner.Advance(memory.Span, memory.Span);
            await inner.WriteAsync(memory, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }
}

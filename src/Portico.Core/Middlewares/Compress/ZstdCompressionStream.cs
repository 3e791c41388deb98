using System.Buffers;

namespace Portico.Middlewares.Compress;

/// <summary>
/// A write-only stream that compresses into <c>inner</c> with libzstd's streaming API. <see cref="FlushAsync(CancellationToken)"/>
/// ends the current block so the peer can decode everything written so far; disposing ends the frame.
/// </summary>
internal sealed class ZstdCompressionStream : Stream
{
    private const int OutputSize = 64 * 1024;
    private readonly Stream _inner;
    private readonly ZstdNative.CompressorHandle _context;
    private byte[]? _output;

    public ZstdCompressionStream(Stream inner, int level)
    {
        _inner = inner;
        _context = ZstdNative.CreateCompressor();
        if (_context.IsInvalid)
        {
            throw new IOException("zstd: could not create a compression context");
        }

        ZstdNative.Check(ZstdNative.SetParameter(_context, ZstdNative.CompressionLevelParameter, level));
        _output = ArrayPool<byte>.Shared.Rent(OutputSize);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var (consumed, produced, _) = Step(buffer.Span, ZstdNative.Continue);
            buffer = buffer[consumed..];
            if (produced > 0)
            {
                await _inner.WriteAsync(_output.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(ZstdNative.FlushDirective, cancellationToken).ConfigureAwait(false);
        await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        if (_output is not null)
        {
            try
            {
                await DrainAsync(ZstdNative.End, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                Release();
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Releases native and pooled memory without ending the frame (the response was abandoned).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    private async Task DrainAsync(int directive, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (_, produced, remaining) = Step([], directive);
            if (produced > 0)
            {
                await _inner.WriteAsync(_output.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
            }

            if (remaining == 0)
            {
                return;
            }
        }
    }

    private unsafe (int Consumed, int Produced, nuint Remaining) Step(ReadOnlySpan<byte> input, int directive)
    {
        ObjectDisposedException.ThrowIf(_output is null, this);
        fixed (byte* inputPointer = input)
        fixed (byte* outputPointer = _output)
        {
            var source = new ZstdNative.Buffer { Data = inputPointer, Size = (nuint)input.Length };
            var destination = new ZstdNative.Buffer { Data = outputPointer, Size = (nuint)_output.Length };
            var remaining = ZstdNative.Check(ZstdNative.CompressStream(_context, ref destination, ref source, directive));
            return ((int)source.Position, (int)destination.Position, remaining);
        }
    }

    private void Release()
    {
        _context.Dispose();
        if (_output is { } output)
        {
            _output = null;
            ArrayPool<byte>.Shared.Return(output);
        }
    }
}

using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Portico.Middlewares.Compress;

/// <summary>
/// The response body while <c>compress</c> decides. A declared <c>Content-Length</c> decides at the first byte; without
/// one, up to <c>minResponseBodyBytes</c> are held back, and once that many arrive (or the handler flushes some), the
/// response is compressed from there on, streaming. A response that already
/// has a <c>Content-Encoding</c>, a <c>Content-Range</c> or a content type the filters refuse passes through untouched,
/// and one that ends shorter than the minimum is sent as it is, with its original <c>Content-Length</c>.
/// </summary>
internal sealed class CompressingBody(HttpContext context, IHttpResponseBodyFeature inner, CompressMiddleware owner, int encoding)
    : ResponseBodyInterceptor(inner)
{
    private State _state;
    private byte[]? _buffer;
    private int _buffered;
    private Stream? _compressor;

    private enum State
    {
        Undecided,
        PassThrough,
        Compressing,
    }

    public override Task StartAsync(CancellationToken cancellationToken = default)
    {
        // An explicit start before any byte can only go through untouched when the response will not be compressed;
        // otherwise the head waits for the first bytes, which decide.
        if (_state == State.Undecided && !IsCompressible())
        {
            PassThrough();
        }

        return _state == State.PassThrough ? Inner.StartAsync(cancellationToken) : Task.CompletedTask;
    }

    public override Task CompleteAsync() => FinishAsync();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        switch (_state)
        {
            case State.PassThrough:
                return Inner.Stream.WriteAsync(buffer, cancellationToken);
            case State.Compressing:
                return _compressor!.WriteAsync(buffer, cancellationToken);
        }

        if (buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        if (!IsCompressible() || context.Response.ContentLength < owner.MinSize)
        {
            PassThrough();
            return Inner.Stream.WriteAsync(buffer, cancellationToken);
        }

        // A declared length decides at once: no need to hold bytes back to learn the size.
        var minimum = context.Response.ContentLength is null ? owner.MinSize : 0;
        if (_buffered + buffer.Length < minimum)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(minimum);
            buffer.Span.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += buffer.Length;
            return ValueTask.CompletedTask;
        }

        return StartCompressingAsync(buffer, cancellationToken);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.PassThrough:
                await Inner.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
            case State.Compressing:
                await _compressor!.FlushAsync(cancellationToken).ConfigureAwait(false);
                return;
        }

        if (!IsCompressible() || context.Response.ContentLength < owner.MinSize)
        {
            PassThrough();
            await Inner.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_buffered > 0)
        {
            // As Traefik (and gzhttp): a flush before the minimum is reached starts compression, since a streaming
            // handler that flushes wants its bytes out now and the decision cannot wait for more.
            await StartCompressingAsync(ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            await _compressor!.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the response: sends what is held back uncompressed, or ends the compressed stream.</summary>
    public async Task FinishAsync()
    {
        await DrainWriterAsync().ConfigureAwait(false);
        if (_state == State.Undecided)
        {
            PassThrough();
            if (_buffered > 0)
            {
                await Inner.Stream.WriteAsync(_buffer.AsMemory(0, _buffered), context.RequestAborted).ConfigureAwait(false);
            }
        }
        else if (_state == State.Compressing && _compressor is { } compressor)
        {
            _compressor = null;
            await compressor.DisposeAsync().ConfigureAwait(false);
        }

        Release();
    }

    /// <summary>Frees pooled and native memory; safe to call twice and after a failure.</summary>
    public void Release()
    {
        if (_compressor is { } compressor)
        {
            _compressor = null;
            if (compressor is ZstdCompressionStream zstd)
            {
                // Disposing synchronously frees the native context without ending the frame on a broken response.
                zstd.Dispose();
            }
        }

        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool IsCompressible()
    {
        var response = context.Response;
        var headers = response.Headers;
        if (headers.ContentEncoding.Count > 0 || headers.ContentRange.Count > 0 || response.StatusCode is < 200 or 204 or 304)
        {
            return false;
        }

        var contentType = headers.ContentType;
        if (contentType.Count == 0)
        {
            return true;
        }

        // As Traefik: a content type that does not parse is never compressed.
        return MediaTypeHeaderValue.TryParse(contentType.ToString(), out var parsed) && owner.AllowsResponseType(parsed);
    }

    private void PassThrough()
    {
        _state = State.PassThrough;
        CompressMiddleware.AddVary(context.Response.Headers);
    }

    private async ValueTask StartCompressingAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var headers = context.Response.Headers;
        CompressMiddleware.AddVary(headers);
        headers.ContentLength = null;
        headers.ContentEncoding = owner.EncodingName(encoding);

        // A range of the compressed stream would mean nothing to the client (gzhttp drops the header too).
        headers.AcceptRanges = default;
        _compressor = CreateCompressor(owner.EncodingName(encoding), Inner.Stream);
        _state = State.Compressing;
        if (_buffered > 0)
        {
            await _compressor.WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
            _buffered = 0;
        }

        if (!buffer.IsEmpty)
        {
            await _compressor.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The levels are Traefik's defaults: gzip 6, brotli 6, zstd 3 (klauspost's SpeedDefault).</summary>
    internal static Stream CreateCompressor(string encoding, Stream destination) => encoding switch
    {
        "gzip" => new GZipStream(destination, new ZLibCompressionOptions { CompressionLevel = 6 }, leaveOpen: true),
        "br" => new BrotliStream(destination, new BrotliCompressionOptions { Quality = 6 }, leaveOpen: true),
        _ => new ZstdCompressionStream(destination, level: 3),
    };
}

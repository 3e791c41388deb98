using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Middlewares;

/// <summary>
/// Stands in for the response body feature so a middleware sees every write, flush and start of the response before
/// Kestrel does (compression, error pages, response buffering, gRPC-Web framing). Writers that use the
/// <see cref="PipeWriter"/> (the forwarder does) reach <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
/// through a stream pipe writer, so a subclass only implements the stream side.
/// </summary>
internal abstract class ResponseBodyInterceptor : Stream, IHttpResponseBodyFeature
{
    private PipeWriter? _writer;

    protected ResponseBodyInterceptor(IHttpResponseBodyFeature inner) => Inner = inner;

    /// <summary>The feature this one replaced: where the bytes finally go.</summary>
    public IHttpResponseBodyFeature Inner { get; }

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Pushes what a pipe writer still holds into this stream; call it before deciding the end of the response.</summary>
    public async ValueTask DrainWriterAsync()
    {
        if (_writer is not null)
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
            _writer = null;
        }
    }

    public virtual void DisableBuffering() => Inner.DisableBuffering();

    public abstract Task StartAsync(CancellationToken cancellationToken = default);

    public virtual Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    /// <summary>Called by <c>HttpResponse.CompleteAsync</c>: the application wrote everything.</summary>
    public abstract Task CompleteAsync();

    public abstract override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    public abstract override Task FlushAsync(CancellationToken cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous writes are rare (Kestrel disallows them by default); they block on the asynchronous path.
    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

}

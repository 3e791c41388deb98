using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Observability.AccessLog;

/// <summary>
/// One logged request in flight: when it started, and a pass-through of the response body that counts the bytes sent
/// to the client (Traefik's <c>DownstreamContentSize</c>). It is the response body feature and its own
/// <see cref="PipeWriter"/>, so logging a request costs one object plus a stream only if something writes through
/// <see cref="Stream"/>.
/// </summary>
internal sealed class AccessLogScope : PipeWriter, IHttpResponseBodyFeature
{
    private readonly IHttpResponseBodyFeature _inner;
    private readonly PipeWriter _writer;
    private Stream? _stream;

    private AccessLogScope(IHttpResponseBodyFeature inner, long started, DateTimeOffset startUtc)
    {
        _inner = inner;
        _writer = inner.Writer;
        Started = started;
        StartUtc = startUtc;
    }

    public long Started { get; }

    public DateTimeOffset StartUtc { get; }

    public long BytesWritten { get; private set; }

    public Stream Stream => _stream ??= AsStream(leaveOpen: true);

    public PipeWriter Writer => this;

    public override bool CanGetUnflushedBytes => _writer.CanGetUnflushedBytes;

    public override long UnflushedBytes => _writer.UnflushedBytes;

    /// <summary>Puts a counting scope in front of the response body of <paramref name="context"/>.</summary>
    public static AccessLogScope Install(HttpContext context, TimeProvider time)
    {
        var inner = context.Features.Get<IHttpResponseBodyFeature>()!;
        var scope = new AccessLogScope(inner, time.GetTimestamp(), time.GetUtcNow());
        context.Features.Set<IHttpResponseBodyFeature>(scope);
        return scope;
    }

    public override void Advance(int bytes)
    {
        BytesWritten += bytes;
        _writer.Advance(bytes);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => _writer.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _writer.GetSpan(sizeHint);

    public override void CancelPendingFlush() => _writer.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => _writer.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _writer.CompleteAsync(exception);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => _writer.FlushAsync(cancellationToken);

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        BytesWritten += source.Length;
        return _writer.WriteAsync(source, cancellationToken);
    }

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public Task CompleteAsync() => _inner.CompleteAsync();

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        BytesWritten += count ?? Math.Max(0, new FileInfo(path).Length - offset);
        return _inner.SendFileAsync(path, offset, count, cancellationToken);
    }
}

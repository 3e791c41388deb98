using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Services.Composite;

/// <summary>
/// Stands in for the response body feature while the failover's main service runs. At the first byte, explicit
/// start or completion it looks at the status: a status in the error ranges (with the fallback up) diverts the
/// response (everything is swallowed, nothing reaches the client); any other status passes straight through.
/// </summary>
internal sealed class FailoverResponseGate(HttpContext context, IHttpResponseBodyFeature inner, StatusRanges errors, IHttpService fallback)
    : Stream, IHttpResponseBodyFeature
{
    private bool _decided;
    private PipeWriter? _writer;

    public bool Diverted { get; private set; }

    public int DivertedStatus { get; private set; }

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Called after the main service returned: decides if nothing did yet and flushes a pending writer.</summary>
    public async Task FinishAsync()
    {
        if (_writer is not null)
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }

        Decide();
    }

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => Decide() ? Task.CompletedTask : inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        Decide() ? Task.CompletedTask : inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => Decide() ? Task.CompletedTask : inner.CompleteAsync();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Decide() ? ValueTask.CompletedTask : inner.Stream.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (!Decide())
        {
            inner.Stream.Write(buffer, offset, count);
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Decide() ? Task.CompletedTask : inner.Stream.FlushAsync(cancellationToken);

    public override void Flush()
    {
        if (!Decide())
        {
            inner.Stream.Flush();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Returns true when the response is diverted (swallow), false when it passes through.</summary>
    private bool Decide()
    {
        if (!_decided)
        {
            _decided = true;
            var status = context.Response.StatusCode;
            if (errors.Contains(status) && fallback.IsHealthy)
            {
                Diverted = true;
                DivertedStatus = status;
            }
        }

        return Diverted;
    }
}

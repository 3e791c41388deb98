using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Services.Composite;

/// <summary>
/// Stands in for the response body feature while an attempt runs (failover's main service, one retry attempt). At the
/// first byte, flush, explicit start or completion it asks <see cref="ShouldDivert"/> once, while the status and
/// headers are known but nothing has reached the client: a diverted response is swallowed whole, any other passes
/// straight through. <see cref="Microsoft.AspNetCore.Http.HttpResponse.HasStarted"/> stays false while a response is
/// held, so services still write their own error status into the gate.
/// </summary>
internal abstract class ResponseGate(HttpContext context, IHttpResponseBodyFeature inner) : Stream, IHttpResponseBodyFeature
{
    private bool _decided;
    private PipeWriter? _writer;

    public bool Diverted { get; private set; }

    public int DivertedStatus { get; private set; }

    protected HttpContext Context => context;

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Clears what a diverted attempt left on the response (status, reason, headers) so the next attempt starts clean;
    /// <paramref name="keep"/> are headers written before the attempt began (by outer middlewares), which are restored.
    /// </summary>
    public static void ResetResponse(HttpContext context, KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>[]? keep = null)
    {
        var response = context.Response;
        response.Headers.Clear();
        if (keep is not null)
        {
            foreach (var (name, value) in keep)
            {
                response.Headers[name] = value;
            }
        }

        response.StatusCode = StatusCodes.Status200OK;
        context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = null;
    }

    /// <summary>Called after the attempt returned: decides if nothing did yet and flushes a pending writer.</summary>
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

    /// <summary>Whether the held response (status and headers on <see cref="Context"/>) must be swallowed; asked once.</summary>
    protected abstract bool ShouldDivert();

    /// <summary>Returns true when the response is diverted (swallow), false when it passes through.</summary>
    private bool Decide()
    {
        if (!_decided)
        {
            _decided = true;
            if (ShouldDivert())
            {
                Diverted = true;
                DivertedStatus = context.Response.StatusCode;
            }
        }

        return Diverted;
    }
}

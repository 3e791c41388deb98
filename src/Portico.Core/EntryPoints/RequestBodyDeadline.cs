using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.EntryPoints;

/// <summary>
/// Traefik's <c>respondingTimeouts.readTimeout</c> is Go's <c>ReadTimeout</c>: the whole request, body included, must be
/// read within it. Kestrel's <c>RequestHeadersTimeout</c> covers the head only, and the forwarder lifts Kestrel's minimum
/// body data rate (a streaming client may pause), so without this a client that announces a body and stops sending it
/// would hold its connection and a backend request open indefinitely. The wrapper aborts the request when the body is
/// not finished by the deadline; reaching the end of the body, or the end of the request, cancels the timer.
/// </summary>
internal sealed class RequestBodyDeadline : Stream
{
    private readonly Stream _inner;
    private readonly AbortTimer _deadline;

    private RequestBodyDeadline(Stream inner, AbortTimer deadline)
    {
        _inner = inner;
        _deadline = deadline;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Puts a deadline on reading the body of a request that can have one; requests without a body cost nothing. An
    /// upgrade (WebSocket over HTTP/1.1, or extended CONNECT over HTTP/2) has no request body to finish: its "body" is
    /// the tunnel, which must not be cut after the read timeout.
    /// </summary>
    public static void Apply(HttpContext context, TimeSpan timeout, TimeProvider time)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }
            || context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true })
        {
            return;
        }

        context.Request.Body = new RequestBodyDeadline(context.Request.Body, AbortTimer.Start(context, timeout, time));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read == 0 && buffer.Length > 0)
        {
            StopTimer();
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        if (read == 0 && count > 0)
        {
            StopTimer();
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The inner stream belongs to the server; only the deadline is ours.
        StopTimer();
        base.Dispose(disposing);
    }

    private void StopTimer() => _deadline.Dispose();
}

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
    private readonly HttpContext _context;
    private readonly Lock _gate = new();
    private ITimer? _timer;

    private RequestBodyDeadline(Stream inner, HttpContext context)
    {
        _inner = inner;
        _context = context;
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

        var deadline = new RequestBodyDeadline(context.Request.Body, context);
        deadline._timer = time.CreateTimer(static state => ((RequestBodyDeadline)state!).Expire(), deadline, timeout, Timeout.InfiniteTimeSpan);
        context.Request.Body = deadline;
        context.Response.RegisterForDispose(deadline);
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
        // The inner stream belongs to the server; only the timer is ours.
        StopTimer();
        base.Dispose(disposing);
    }

    /// <summary>The lock makes a stop wait for an expiry in progress, so an abort never lands on a later request.</summary>
    private void StopTimer()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Expire()
    {
        lock (_gate)
        {
            if (_timer is null)
            {
                return;
            }

            _timer.Dispose();
            _timer = null;
            _context.Abort();
        }
    }
}

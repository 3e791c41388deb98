using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.ContentType;

/// <summary>
/// A write-only stream in front of the response body that, on the first write with bytes, sets the Content-Type guessed
/// from them when the response has none, before those bytes (and so the headers) reach the server.
/// </summary>
internal sealed class SniffingStream : Stream
{
    private readonly HttpResponse _response;
    private readonly Stream _inner;
    private bool _decided;

    public SniffingStream(HttpResponse response, Stream inner)
    {
        _response = response;
        _inner = inner;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Decide(buffer);
        _inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Decide(buffer.Span);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        // Go's server sends the headers with the first body bytes, so an untyped response waits for them here too
        // (the forwarder flushes headers early when the backend makes it wait). Any other response flushes at once.
        if (!_decided && NeedsSniffing())
        {
            return Task.CompletedTask;
        }

        _decided = true;
        return _inner.FlushAsync(cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Decide(ReadOnlySpan<byte> first)
    {
        if (_decided || first.IsEmpty)
        {
            return;
        }

        _decided = true;
        if (NeedsSniffing())
        {
            _response.Headers.ContentType = ContentSniffer.Detect(first);
        }
    }

    private bool NeedsSniffing()
    {
        var headers = _response.Headers;
        return !_response.HasStarted && !headers.ContainsKey("Content-Type") && string.IsNullOrEmpty(headers.ContentEncoding)
            && !headers.ContainsKey("Transfer-Encoding") && AllowsBody(_response.StatusCode);
    }

    private static bool AllowsBody(int status) => status is not (>= 100 and < 200 or 204 or 304);
}

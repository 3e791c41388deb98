using System.Buffers;
using System.Net;

namespace Portico.Forwarding;

/// <summary>
/// The outgoing request body: streams the client's body to the backend as it arrives, through one pooled buffer,
/// so a large upload never sits in memory. It records which side failed, because <see cref="HttpClient"/> wraps
/// every body exception in the same <see cref="HttpRequestException"/>.
/// </summary>
internal sealed class StreamCopyHttpContent : HttpContent
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _source;
    private readonly CancellationToken _clientAborted;

    public StreamCopyHttpContent(Stream source, CancellationToken clientAborted)
    {
        _source = source;
        _clientAborted = clientAborted;
    }

    /// <summary><see cref="ProxyError.None"/>, <see cref="ProxyError.RequestBodyClient"/> or <see cref="ProxyError.RequestBodyDestination"/>.</summary>
    public ProxyError Error { get; private set; }

    public Exception? Exception { get; private set; }

    /// <summary>Whether the backend started reading the body (false when it answered first or never connected).</summary>
    public bool Started { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // SocketsHttpHandler may resend a request whose pooled connection turned out to be dead. The client's body
        // cannot be rewound, so a second attempt must fail rather than send a truncated body.
        if (Started)
        {
            throw new InvalidOperationException("The proxied request body was already sent once.");
        }

        Started = true;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                // 1. Read from the client. When no data is waiting, flush what was written so far first: a streaming
                //    client (gRPC, a slow upload) must not see its messages held back in the connection's buffer.
                var read = _source.ReadAsync(buffer.AsMemory(), _clientAborted);
                int count;
                if (!read.IsCompleted)
                {
                    await FlushDestinationAsync(stream, cancellationToken);
                }

                try
                {
                    count = await read;
                }
                catch (Exception ex)
                {
                    Fail(ProxyError.RequestBodyClient, ex);
                    throw;
                }

                if (count == 0)
                {
                    return;
                }

                // 2. Write to the backend.
                try
                {
                    await stream.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
                }
                catch (Exception ex)
                {
                    Fail(_clientAborted.IsCancellationRequested ? ProxyError.RequestBodyClient : ProxyError.RequestBodyDestination, ex);
                    throw;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask FlushDestinationAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            await stream.FlushAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            Fail(ProxyError.RequestBodyDestination, ex);
            throw;
        }
    }

    private void Fail(ProxyError error, Exception ex)
    {
        if (Error == ProxyError.None)
        {
            Error = error;
            Exception = ex;
        }
    }

    /// <summary>The length is unknown here; a Content-Length copied from the client is set on <see cref="HttpContent.Headers"/>.</summary>
    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) =>
        throw new NotSupportedException("The proxied request body can only be streamed once.");
}

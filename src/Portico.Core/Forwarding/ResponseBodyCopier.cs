using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;

namespace Portico.Forwarding;

/// <summary>
/// Streams the backend's response body to the client through the response <see cref="PipeWriter"/>.
/// </summary>
/// <remarks>
/// Flushing policy (Traefik <c>responseForwarding.flushInterval</c>): with flushEveryWrite
/// (negative interval, <c>text/event-stream</c>, gRPC, or a body of unknown length, as Go's reverse proxy does)
/// every chunk is flushed at once. Otherwise chunks are batched, but never held: whatever is buffered is flushed
/// as soon as the backend pauses (the next read does not complete at once), when the interval has passed since
/// the last flush, or when a buffer's worth is waiting. So the interval bounds the latency while the backend keeps
/// sending, and an idle backend never leaves bytes sitting in the proxy.
/// </remarks>
internal static class ResponseBodyCopier
{
    private const int BufferSize = 64 * 1024;

    /// <returns>
    /// <see cref="ProxyError.None"/>, <see cref="ProxyError.ResponseBodyDestination"/> or <see cref="ProxyError.ResponseBodyClient"/>,
    /// and how many bytes were written to <paramref name="destination"/> (flushed or not).
    /// </returns>
    public static async ValueTask<(ProxyError Error, Exception? Exception, long Written)> CopyAsync(
        Stream source, PipeWriter destination, bool flushEveryWrite, TimeSpan flushInterval, bool flushHeadersEarly, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var unflushed = 0;
        long written = 0;

        // Headers are sent as soon as the backend makes us wait for the body, like any other buffered data. gRPC is
        // the exception: a trailers-only answer must reach the client as one HEADERS frame.
        var headersPending = flushHeadersEarly;
        var lastFlush = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                // 1. Read from the backend; flush first if the read has to wait and bytes are buffered.
                int count;
                try
                {
                    var read = source.ReadAsync(buffer.AsMemory(), cancellationToken);
                    if (!read.IsCompleted && (unflushed > 0 || headersPending))
                    {
                        if (await FlushAsync(destination, cancellationToken))
                        {
                            return (ProxyError.ResponseBodyClient, null, written);
                        }

                        unflushed = 0;
                        headersPending = false;
                        lastFlush = Stopwatch.GetTimestamp();
                    }

                    count = await read;
                }
                catch (Exception ex) when (ex is not FlushFailedException)
                {
                    return (cancellationToken.IsCancellationRequested ? ProxyError.ResponseBodyClient : ProxyError.ResponseBodyDestination, ex, written);
                }

                if (count == 0)
                {
                    // 2. End of body: flush what is buffered now. Leaving it to the server's end-of-response flush lost
                    //    the tail of large bodies now and then under load (seen with 64 MiB downloads through Kestrel).
                    if ((unflushed > 0 || headersPending) && await FlushAsync(destination, cancellationToken))
                    {
                        return (ProxyError.ResponseBodyClient, null, written);
                    }

                    return (ProxyError.None, null, written);
                }

                // 3. Copy to the client and flush according to the policy.
                destination.Write(buffer.AsSpan(0, count));
                written += count;
                unflushed += count;
                if (flushEveryWrite || unflushed >= BufferSize || Stopwatch.GetElapsedTime(lastFlush) >= flushInterval)
                {
                    if (await FlushAsync(destination, cancellationToken))
                    {
                        return (ProxyError.ResponseBodyClient, null, written);
                    }

                    unflushed = 0;
                    headersPending = false;
                    lastFlush = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (FlushFailedException ex)
        {
            return (ProxyError.ResponseBodyClient, ex.InnerException, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <returns>True when the client is gone (the flush was canceled or the pipe completed).</returns>
    private static async ValueTask<bool> FlushAsync(PipeWriter destination, CancellationToken cancellationToken)
    {
        FlushResult result;
        try
        {
            result = await destination.FlushAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            throw new FlushFailedException(ex);
        }

        return result.IsCanceled || result.IsCompleted;
    }

    /// <summary>Marks a failure on the client side so that it is not mistaken for a backend read failure.</summary>
    private sealed class FlushFailedException(Exception inner) : Exception(inner.Message, inner);
}

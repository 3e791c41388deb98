using System.Buffers;
using System.Net.Sockets;

namespace Portico.Tcp.Proxying;

/// <summary>
/// Copies bytes both ways between a client and a backend, as Traefik's TCP proxy does: when one side finishes sending,
/// its end-of-stream is passed on as a half-close (FIN) to the other side, which then has the transport's
/// <c>terminationDelay</c> to finish sending in the other direction (negative: no limit) before both are closed.
/// An error in either direction (a reset) closes both at once.
/// </summary>
internal static class TcpProxy
{
    private const int BufferSize = 16 * 1024;

    public static async Task ProxyAsync(TcpPeer client, TcpPeer backend, TimeSpan terminationDelay, TimeProvider time)
    {
        // 1. Start both directions, each with its own cancellation so one can be given a deadline alone.
        using var upstreamStop = new CancellationTokenSource();
        using var downstreamStop = new CancellationTokenSource();
        var upstream = PumpAsync(client, backend, upstreamStop.Token);
        var downstream = PumpAsync(backend, client, downstreamStop.Token);

        // 2. When the first direction ends, the other gets terminationDelay to end by itself (or none after an error).
        var first = await Task.WhenAny(upstream, downstream).ConfigureAwait(false);
        var (other, otherStop) = first == upstream ? (downstream, downstreamStop) : (upstream, upstreamStop);
        ITimer? deadline = null;
        if (!await first.ConfigureAwait(false))
        {
            otherStop.Cancel();
        }
        else if (terminationDelay >= TimeSpan.Zero)
        {
            deadline = time.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), otherStop, terminationDelay, Timeout.InfiniteTimeSpan);
        }

        // 3. Wait for it; the caller then closes both sides.
        await other.ConfigureAwait(false);
        if (deadline is not null)
        {
            await deadline.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Copies until end-of-stream (then half-closes <paramref name="to"/>, returns true) or an error (false).</summary>
    private static async Task<bool> PumpAsync(TcpPeer from, TcpPeer to, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            await to.CloseWriteAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Portico.Tcp.Proxying;

/// <summary>
/// One side of a proxied TCP connection: bytes in, bytes out, and a half-close that ends what we send while still
/// reading what the peer sends (TCP FIN, <c>shutdown(SHUT_WR)</c>).
/// </summary>
internal abstract class TcpPeer : IAsyncDisposable
{
    /// <summary>Reads some bytes; 0 means the peer finished sending.</summary>
    public abstract ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Tells the peer we will send nothing more; it may go on sending.</summary>
    public abstract ValueTask CloseWriteAsync();

    public abstract ValueTask DisposeAsync();

    protected static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    protected static void ShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // Already reset or closed by the peer: nothing left to tell it.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}

/// <summary>A socket Portico owns (a backend connection).</summary>
internal sealed class SocketPeer(Socket socket) : TcpPeer
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        SendAllAsync(socket, data, cancellationToken);

    public override ValueTask CloseWriteAsync()
    {
        ShutdownSend(socket);
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The client connection as Kestrel accepted it: its bytes are read through Kestrel's input pipe (which already holds
/// the peeked ClientHello, so nothing is lost or replayed), and written straight to the socket, because completing
/// Kestrel's output pipe would shut the socket down in both directions and half-close would be impossible. Kestrel's
/// output pipe is never written, so its sender stays idle. Kestrel owns the socket and closes it when the connection
/// middleware returns.
/// </summary>
internal sealed class KestrelClientPeer(PipeReader input, Socket socket) : TcpPeer
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var data = result.Buffer;
            if (!data.IsEmpty)
            {
                var count = (int)Math.Min(data.Length, buffer.Length);
                data.Slice(0, count).CopyTo(buffer.Span);
                input.AdvanceTo(data.GetPosition(count));
                return count;
            }

            input.AdvanceTo(data.Start);
            if (result.IsCompleted || result.IsCanceled)
            {
                return 0;
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        SendAllAsync(socket, data, cancellationToken);

    public override ValueTask CloseWriteAsync()
    {
        ShutdownSend(socket);
        return ValueTask.CompletedTask;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A stream over a socket (TLS terminated by Portico): half-close sends TLS close_notify, then a FIN.</summary>
internal sealed class StreamPeer(Stream stream, Socket socket) : TcpPeer
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        stream.ReadAsync(buffer, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        stream.WriteAsync(data, cancellationToken);

    public override async ValueTask CloseWriteAsync()
    {
        if (stream is System.Net.Security.SslStream ssl)
        {
            try
            {
                await ssl.ShutdownAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }

        ShutdownSend(socket);
    }

    public override ValueTask DisposeAsync() => stream.DisposeAsync();
}

/// <summary>
/// The client connection as a <see cref="Stream"/> for <see cref="System.Net.Security.SslStream"/>: reads from Kestrel's input
/// pipe (starting with the peeked ClientHello), writes straight to the socket (see <see cref="KestrelClientPeer"/>).
/// </summary>
internal sealed class KestrelSocketStream(PipeReader input, Socket socket) : Stream
{
    private readonly KestrelClientPeer _peer = new(input, socket);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _peer.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _peer.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("use ReadAsync");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("use WriteAsync");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

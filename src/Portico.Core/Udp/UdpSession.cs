using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Portico.Udp;

/// <summary>
/// One client address talking through a UDP entry point: its own connected socket to the backend chosen when the session
/// began, kept until the session is idle for the entry point's <c>udp.timeout</c>. Replies from that backend go back to the
/// client from the entry point's own socket, so the client sees them come from the address it wrote to.
/// </summary>
internal sealed class UdpSession : IUdpSession
{
    private readonly Socket _backend;
    private readonly TimeProvider _time;
    private long _lastActivity;
    private int _closed;

    public UdpSession(IPEndPoint client, Socket backend, string backendAddress, string routerName, TimeProvider time)
    {
        Client = client;
        _backend = backend;
        BackendAddress = backendAddress;
        RouterName = routerName;
        _time = time;
        _lastActivity = time.GetTimestamp();
    }

    public IPEndPoint Client { get; }

    public string BackendAddress { get; }

    public string RouterName { get; }

    public long LastActivity => Volatile.Read(ref _lastActivity);

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Forwards one client datagram to the backend; a datagram refreshes the session, as in Traefik.</summary>
    public ValueTask<int> SendToBackendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        Touch();
        return _backend.SendAsync(datagram, SocketFlags.None, cancellationToken);
    }

    /// <summary>
    /// Relays the backend's datagrams to the client until the session is closed or the backend socket fails.
    /// 1. Wait for a datagram with a zero-byte peek, so an idle session holds no receive buffer (thousands may be idle).
    /// 2. Rent a buffer, read the datagram, send it to the client from the entry point's socket, return the buffer.
    /// </summary>
    public async Task RelayRepliesAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!IsClosed)
        {
            await _backend.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
            var buffer = ArrayPool<byte>.Shared.Rent(UdpEntryPoint.MaxDatagram);
            try
            {
                var received = await _backend.ReceiveAsync(buffer.AsMemory(0, UdpEntryPoint.MaxDatagram), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                Touch();
                await listener.SendToAsync(buffer.AsMemory(0, received), SocketFlags.None, Client, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _backend.Dispose();
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());
}

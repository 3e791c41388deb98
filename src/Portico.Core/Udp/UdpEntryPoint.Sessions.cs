using System.Net;
using System.Net.Sockets;

namespace Portico.Udp;

internal sealed partial class UdpEntryPoint
{
    /// <summary>
    /// The entry point's one receive loop.
    /// 1. Receive a datagram (up to 64 KiB) and the address it came from.
    /// 2. Find the client's session, or open one: route from the live snapshot, a place in the table, a backend socket.
    /// 3. Forward the datagram on the session's backend socket; a failing backend socket ends the session.
    /// </summary>
    private async Task ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram, pinned: true);
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult received;
            try
            {
                received = await socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // An ICMP error about an earlier reply (reported on some systems) concerns no datagram to read: go on.
                continue;
            }
            catch (SocketException ex)
            {
                LogReceiveFailed(_logger, Name, ex);
                return;
            }

            var client = (IPEndPoint)received.RemoteEndPoint;
            if (!_sessions.TryGet(client, out var session))
            {
                session = await OpenSessionAsync(client, cancellationToken).ConfigureAwait(false);
                if (session is null)
                {
                    continue;
                }
            }

            try
            {
                await session.SendToBackendAsync(buffer.AsMemory(0, received.ReceivedBytes), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                // The backend refused an earlier datagram (ICMP port unreachable): the next datagram opens a new session.
                LogSessionEnded(_logger, Name, client, session.BackendAddress, session.RouterName, ex.Message);
                _sessions.Remove(client, session);
            }
            catch (ObjectDisposedException)
            {
                // The session expired while this datagram was on its way: it is lost, as UDP allows.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async ValueTask<UdpSession?> OpenSessionAsync(IPEndPoint client, CancellationToken cancellationToken)
    {
        if (!_runtime.Current.Udp.TryGetValue(Name, out var route))
        {
            Dropped(full: false, "no UDP router on this entry point");
            return null;
        }

        // Checked before any socket is created, so a flood of new addresses costs nothing when the table is full.
        if (_sessions.Count >= _sessions.Capacity)
        {
            Dropped(full: true, $"the entry point holds its maximum of {_sessions.Capacity} UDP sessions (udp.maxSessions)");
            return null;
        }

        if (route.Service.Next() is not { } target)
        {
            Dropped(full: false, $"the service {route.Service.Name} of router {route.RouterName} has no server");
            return null;
        }

        Socket backend;
        try
        {
            backend = await ConnectAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            Dropped(full: false, $"cannot reach {target.Address} for router {route.RouterName}: {ex.Message}");
            return null;
        }

        var session = new UdpSession(client, backend, target.Address, route.RouterName, _time);
        if (_sessions.TryAdd(client, session) != UdpSessionAdd.Added)
        {
            session.Close();
            Dropped(full: true, $"the entry point holds its maximum of {_sessions.Capacity} UDP sessions (udp.maxSessions)");
            return null;
        }

        _ = RelayAsync(session);
        return session;
    }

    /// <summary>
    /// A connected socket to the server: the kernel then delivers only that server's datagrams to it. An IP address needs no
    /// I/O to connect a UDP socket; a host name is resolved for each new session.
    /// </summary>
    private static async ValueTask<Socket> ConnectAsync(UdpServerTarget target, CancellationToken cancellationToken)
    {
        var socket = target.EndPoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (target.EndPoint is IPEndPoint address)
            {
                socket.Connect(address);
            }
            else
            {
                await socket.ConnectAsync(target.EndPoint, cancellationToken).ConfigureAwait(false);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task RelayAsync(UdpSession session)
    {
        var reason = "expired";
        try
        {
            await session.RelayRepliesAsync(_socket!, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            reason = "the entry point is stopping";
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException ex)
        {
            reason = session.IsClosed ? reason : ex.Message;
        }
        finally
        {
            if (_sessions.Remove(session.Client, session) || reason != "expired")
            {
                LogSessionEnded(_logger, Name, session.Client, session.BackendAddress, session.RouterName, reason);
            }
        }
    }
}

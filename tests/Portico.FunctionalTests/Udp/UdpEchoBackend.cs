using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portico.FunctionalTests.Udp;

/// <summary>A UDP echo server on loopback: answers each datagram with <c>name|source port|payload</c>.</summary>
internal sealed class UdpEchoBackend : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public UdpEchoBackend(string name)
    {
        Name = name;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = EchoAsync();
    }

    public string Name { get; }

    public string Address => ((IPEndPoint)_socket.LocalEndPoint!).ToString();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task EchoAsync()
    {
        var buffer = new byte[65_535];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            var from = (IPEndPoint)received.RemoteEndPoint;
            var reply = Encoding.UTF8.GetBytes($"{Name}|{from.Port}|{Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes)}");
            await _socket.SendToAsync(reply, SocketFlags.None, from, _stop.Token);
        }
    }
}

/// <summary>A UDP client socket on loopback that talks to one Portico entry point.</summary>
internal sealed class UdpTestClient(IPEndPoint portico) : IDisposable
{
    private readonly Socket _socket = Bound();

    public Task SendAsync(string payload) => _socket.SendToAsync(Encoding.UTF8.GetBytes(payload), SocketFlags.None, portico);

    /// <summary>
    /// Sends <paramref name="payload"/> and returns the reply split as (backend, port Portico used, payload). UDP may lose a
    /// datagram on a busy loopback (a full socket buffer), so the datagram is sent again, up to five times, when no reply comes.
    /// </summary>
    public async Task<(string Backend, int Port, string Payload)> AskAsync(string payload)
    {
        var buffer = new byte[65_535];
        SocketReceiveFromResult received = default;

        // One receive for every attempt: an abandoned second receive would swallow the reply.
        var pending = _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
        for (var attempt = 1; ; attempt++)
        {
            await SendAsync(payload);
            try
            {
                received = await pending.WaitAsync(TimeSpan.FromSeconds(2));
                break;
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }

        Assert.Equal(portico, received.RemoteEndPoint);
        var parts = Encoding.UTF8.GetString(buffer, 0, received.ReceivedBytes).Split('|', 3);
        return (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2]);
    }

    public void Dispose() => _socket.Dispose();

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}

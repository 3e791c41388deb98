using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Portico.Services.LoadBalancing;

namespace Portico.Tcp.Services;

/// <summary>
/// <c>tcp.services.&lt;s&gt;.loadBalancer</c>: smooth weighted round robin over the servers. A server that cannot be dialed
/// (refused, unreachable, <c>dialTimeout</c> elapsed) is skipped for this connection and the next one in the rotation is
/// tried, as Traefik does; the client connection is closed only when every server failed.
/// </summary>
internal sealed partial class TcpLoadBalancer : ITcpService
{
    private readonly TcpServerTarget[] _servers;
    private readonly double[] _weights;
    private readonly int[] _all;
    private readonly double[] _current;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TcpLoadBalancer(string name, IReadOnlyList<TcpServerTarget> servers, TcpTransportSettings transport, TimeProvider time, ILogger logger)
    {
        Name = name;
        Transport = transport;
        _servers = servers.ToArray();
        _weights = _servers.Select(s => (double)s.Weight).ToArray();
        _all = Enumerable.Range(0, _servers.Length).ToArray();
        _current = new double[_servers.Length];
        _time = time;
        _logger = logger;
    }

    public string Name { get; }

    public TcpTransportSettings Transport { get; }

    public IReadOnlyList<TcpServerTarget> Servers => _servers;

    public async ValueTask<TcpBackendConnection?> ConnectAsync(CancellationToken cancellationToken)
    {
        // Each server is tried at most once per connection, in the rotation's order from the one it picks first.
        var first = Next();
        if (first < 0)
        {
            LogNoServer(_logger, Name);
            return null;
        }

        for (var attempt = 0; attempt < _servers.Length; attempt++)
        {
            var server = _servers[(first + attempt) % _servers.Length];
            var socket = await DialAsync(server, cancellationToken).ConfigureAwait(false);
            if (socket is not null)
            {
                return new TcpBackendConnection(socket, server.Address, Transport);
            }
        }

        LogAllFailed(_logger, Name, _servers.Length);
        return null;
    }

    private int Next()
    {
        if (_servers.Length == 0)
        {
            return -1;
        }

        lock (_lock)
        {
            return SmoothWeightedRoundRobin.Pick(_current, _all, _weights);
        }
    }

    private async ValueTask<Socket?> DialAsync(TcpServerTarget server, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = Transport.DialTimeout > TimeSpan.Zero
            ? new CancellationTokenSource(Transport.DialTimeout, _time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            ConfigureKeepAlive(socket, Transport.DialKeepAlive);
            await socket.ConnectAsync(server.EndPoint, linked.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogDialFailed(_logger, Name, server.Address, $"no connection after the dial timeout of {Transport.DialTimeout}");
        }
        catch (SocketException ex)
        {
            LogDialFailed(_logger, Name, server.Address, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // The client went away or Portico is stopping: not the server's fault.
        }

        socket.Dispose();
        return null;
    }

    private static void ConfigureKeepAlive(Socket socket, TimeSpan interval)
    {
        if (interval < TimeSpan.Zero)
        {
            return;
        }

        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        if (interval > TimeSpan.Zero)
        {
            // Go's dialer uses the keep-alive period for both the idle time and the probe interval.
            var seconds = Math.Max(1, (int)interval.TotalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, seconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {ServiceName}: dialing {Address} failed: {Reason}; trying the next server")]
    private static partial void LogDialFailed(ILogger logger, string serviceName, string address, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {ServiceName}: all {Count} servers failed to connect, closing the client connection")]
    private static partial void LogAllFailed(ILogger logger, string serviceName, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {ServiceName}: no server, closing the client connection")]
    private static partial void LogNoServer(ILogger logger, string serviceName);
}

/// <summary>One <c>servers[]</c> entry, its address parsed at build time.</summary>
internal sealed record TcpServerTarget(string Address, EndPoint EndPoint, int Weight)
{
    /// <summary>Parses <c>host:port</c> (an IPv6 host in brackets); false with a message otherwise.</summary>
    public static bool TryParse(string? address, int weight, out TcpServerTarget? target, out string? error)
    {
        target = null;
        error = null;
        if (string.IsNullOrWhiteSpace(address))
        {
            error = "a server has no address";
            return false;
        }

        if (IPEndPoint.TryParse(address, out var ip) && ip.Port != 0 && (address.Contains(']', StringComparison.Ordinal) || address.Count(c => c == ':') == 1))
        {
            target = new TcpServerTarget(address, ip, weight);
            return true;
        }

        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535 || address.IndexOf(':') != colon)
        {
            error = $"invalid server address \"{address}\": expected host:port";
            return false;
        }

        target = new TcpServerTarget(address, new DnsEndPoint(address[..colon], port), weight);
        return true;
    }
}

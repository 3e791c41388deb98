using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Portico.Services.LoadBalancing;
using Portico.Tcp.Health;

using Portico.Tcp.ProxyProtocol;

namespace Portico.Tcp.Services;

/// <summary>
/// <c>tcp.services.&lt;s&gt;.loadBalancer</c>: smooth weighted round robin over the servers the health check keeps in the
/// rotation (all of them without <c>healthCheck</c>). A server that cannot be dialed (refused, unreachable,
/// <c>dialTimeout</c> elapsed, TLS handshake failed) is skipped for this connection and the next one in the rotation is
/// tried; the client connection is closed only when every server failed.
/// </summary>
internal sealed partial class TcpLoadBalancer : ITcpService
{
    private readonly TcpServerTarget[] _servers;
    private readonly TcpServerHealth[] _health;
    private readonly SslClientAuthenticationOptions?[] _tls;
    private readonly double[] _weights;
    private readonly double[] _current;
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="health">The servers' health, kept across reloads (index for index with <paramref name="servers"/>); null: all up.</param>
    public TcpLoadBalancer(string name, IReadOnlyList<TcpServerTarget> servers, TcpTransportSettings transport, TimeProvider time, ILogger logger, TcpServerHealth[]? health = null)
    {
        Name = name;
        Transport = transport;
        _servers = servers.ToArray();
        _health = health ?? _servers.Select(s => new TcpServerHealth(s.Address)).ToArray();
        _tls = _servers.Select(s => s.Tls ? (transport.Tls ?? TcpBackendTls.Default).For(s.Host) : null).ToArray();
        _weights = _servers.Select(s => (double)s.Weight).ToArray();
        _current = new double[_servers.Length];
        _time = time;
        _logger = logger;
    }

    public string Name { get; }

    public TcpTransportSettings Transport { get; }

    public IReadOnlyList<TcpServerTarget> Servers => _servers;

    /// <summary>Per server (same order as <see cref="Servers"/>): its health-check verdict.</summary>
    public IReadOnlyList<TcpServerHealth> Health => _health;

    /// <summary>Up while any server is up (a weighted parent with <c>healthCheck</c> skips it otherwise).</summary>
    public bool IsHealthy
    {
        get
        {
            foreach (var server in _health)
            {
                if (server.IsHealthy)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The TLS options of the server at <paramref name="index"/>; null when it is dialed in cleartext.</summary>
    public SslClientAuthenticationOptions? TlsOptions(int index) => _tls[index];

    /// <summary>
    /// 1. pick a server among those up; 2. dial it (TLS too when it has <c>tls</c>); 3. on failure try the next servers that
    /// are up, each at most once, in index order from the one picked.
    /// </summary>
    public async ValueTask<TcpBackendConnection?> ConnectAsync(TcpClientAddresses client, CancellationToken cancellationToken)
    {
        var first = Next();
        if (first < 0)
        {
            if (_servers.Length == 0)
            {
                LogNoServer(_logger, Name);
            }
            else
            {
                LogNoHealthyServer(_logger, Name, _servers.Length);
            }

            return null;
        }

        var tried = 0;
        for (var attempt = 0; attempt < _servers.Length; attempt++)
        {
            var index = (first + attempt) % _servers.Length;
            if (attempt > 0 && !_health[index].IsHealthy)
            {
                continue;
            }

            tried++;
            var connection = await DialAsync(index, client, cancellationToken).ConfigureAwait(false);
            if (connection is not null)
            {
                return connection;
            }
        }

        LogAllFailed(_logger, Name, tried);
        return null;
    }

    private int Next()
    {
        var count = _servers.Length;
        Span<int> candidates = count <= 64 ? stackalloc int[count] : new int[count];
        Span<double> weights = count <= 64 ? stackalloc double[count] : new double[count];
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            if (_health[i].IsHealthy)
            {
                candidates[n] = i;
                weights[n] = _weights[i];
                n++;
            }
        }

        if (n == 0)
        {
            return -1;
        }

        lock (_lock)
        {
            return SmoothWeightedRoundRobin.Pick(_current, candidates[..n], weights[..n]);
        }
    }

    private async ValueTask<TcpBackendConnection?> DialAsync(int index, TcpClientAddresses client, CancellationToken cancellationToken)
    {
        var server = _servers[index];
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = Transport.DialTimeout > TimeSpan.Zero
            ? new CancellationTokenSource(Transport.DialTimeout, _time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        SslStream? ssl = null;
        try
        {
            ConfigureKeepAlive(socket, Transport.DialKeepAlive);
            await socket.ConnectAsync(server.EndPoint, linked.Token).ConfigureAwait(false);
            if (Transport.ProxyProtocolVersion != 0 && client is { Source: { } source, Destination: { } destination })
            {
                // The PROXY header is the first thing on the wire, before a TLS handshake to the server, as Traefik's
                // dialer writes it on the raw connection.
                var header = ProxyHeaderWriter.Write(Transport.ProxyProtocolVersion, source, destination);
                await socket.SendAsync(header, SocketFlags.None, linked.Token).ConfigureAwait(false);
            }

            if (_tls[index] is { } options)
            {
                // As Go's TLS dialer, the dial timeout bounds the connect and the handshake together.
                ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(options, linked.Token).ConfigureAwait(false);
            }

            return new TcpBackendConnection(socket, server.Address, Transport) { Stream = ssl };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogDialFailed(_logger, Name, server.Address, $"no connection after the dial timeout of {Transport.DialTimeout}");
        }
        catch (SocketException ex)
        {
            LogDialFailed(_logger, Name, server.Address, ex.Message);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            LogTlsFailed(_logger, Name, server.Address, _tls[index]!.TargetHost ?? string.Empty, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // The client went away or Portico is stopping: not the server's fault.
        }

        if (ssl is not null)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {ServiceName}: TLS handshake with {Address} (server name \"{ServerName}\") failed: {Reason}; trying the next server")]
    private static partial void LogTlsFailed(ILogger logger, string serviceName, string address, string serverName, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {ServiceName}: all {Count} servers failed to connect, closing the client connection")]
    private static partial void LogAllFailed(ILogger logger, string serviceName, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {ServiceName}: no server, closing the client connection")]
    private static partial void LogNoServer(ILogger logger, string serviceName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {ServiceName}: all {Count} servers are down (health check), closing the client connection")]
    private static partial void LogNoHealthyServer(ILogger logger, string serviceName, int count);
}

/// <summary>One <c>servers[]</c> entry, its address parsed at build time.</summary>
internal sealed record TcpServerTarget(string Address, EndPoint EndPoint, int Weight)
{
    /// <summary>Dial this server with TLS (<c>servers[].tls</c>).</summary>
    public bool Tls { get; init; }

    /// <summary>The host part of <see cref="Address"/> (SNI and certificate name for TLS).</summary>
    public string Host => EndPoint switch
    {
        DnsEndPoint dns => dns.Host,
        IPEndPoint ip => ip.Address.ToString(),
        _ => Address,
    };

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

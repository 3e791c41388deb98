using System.Net.Sockets;

namespace Portico.Tcp.Services;

/// <summary>
/// A TCP service: opens a connection to one of its servers for each proxied client connection. Built once per
/// configuration; its round-robin state is shared by every connection routed to it.
/// </summary>
internal interface ITcpService
{
    string Name { get; }

    /// <summary>
    /// Connects to a server, trying the next ones when dialing fails; null when every server failed (each failure is
    /// logged with its reason). The caller owns the returned socket. <paramref name="client"/> is what a PROXY protocol
    /// header sent to the server says (see <see cref="TcpTransportSettings.ProxyProtocolVersion"/>).
    /// </summary>
    ValueTask<TcpBackendConnection?> ConnectAsync(TcpClientAddresses client, CancellationToken cancellationToken);

    /// <summary>False when health checks found every server down (services without health checks are always up).</summary>
    bool IsHealthy => true;
}

/// <summary>
/// The client's address (after a received PROXY header) and the address it connected to: the source and destination of
/// the PROXY header sent to backends. Either may be null (no header is sent then).
/// </summary>
internal readonly record struct TcpClientAddresses(System.Net.IPEndPoint? Source, System.Net.IPEndPoint? Destination);

/// <summary>An open connection to a backend server, with the transport settings that govern its proxying.</summary>
internal sealed record TcpBackendConnection(Socket Socket, string Address, TcpTransportSettings Transport)
{
    /// <summary>The TLS stream over <see cref="Socket"/> when the server is dialed with TLS; null for cleartext.</summary>
    public System.Net.Security.SslStream? Stream { get; init; }

    /// <summary>The backend side of the proxy: the TLS stream (its half-close sends close_notify) or the socket itself.</summary>
    public Proxying.TcpPeer ToPeer() => Stream is { } ssl ? new Proxying.StreamPeer(ssl, Socket) : new Proxying.SocketPeer(Socket);
}

/// <summary>The resolved <c>tcp.serversTransports</c> settings of a load balancer.</summary>
internal sealed record TcpTransportSettings(TimeSpan DialTimeout, TimeSpan DialKeepAlive, TimeSpan TerminationDelay)
{
    /// <summary>The transport's <c>tls</c> section, used for servers with <c>tls: true</c>; null: defaults (system roots).</summary>
    public TcpBackendTls? Tls { get; init; }

    public static TcpTransportSettings Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));

    /// <summary>PROXY protocol version written to each new backend connection before any client byte: 1, 2, or 0 for none.</summary>
    public int ProxyProtocolVersion { get; init; }
}

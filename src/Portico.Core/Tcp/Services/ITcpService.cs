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
    /// logged with its reason). The caller owns the returned socket.
    /// </summary>
    ValueTask<TcpBackendConnection?> ConnectAsync(CancellationToken cancellationToken);
}

/// <summary>An open connection to a backend server, with the transport settings that govern its proxying.</summary>
internal sealed record TcpBackendConnection(Socket Socket, string Address, TcpTransportSettings Transport);

/// <summary>The resolved <c>tcp.serversTransports</c> settings of a load balancer.</summary>
internal sealed record TcpTransportSettings(TimeSpan DialTimeout, TimeSpan DialKeepAlive, TimeSpan TerminationDelay)
{
    public static TcpTransportSettings Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));

    /// <summary>PROXY protocol version written to each new backend connection before any client byte: 1, 2, or 0 for none.</summary>
    public int ProxyProtocolVersion { get; init; }
}

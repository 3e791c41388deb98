using System.Net;

namespace Portico.Tcp.Routing;

/// <summary>
/// What a TCP rule can see of a new connection before any byte is consumed: the client address (after PROXY
/// protocol), and for TLS the ClientHello's server name (lower-cased, without a trailing dot; empty without SNI) and
/// ALPN protocols.
/// </summary>
internal sealed class TcpConnectionInfo
{
    public TcpConnectionInfo(IPAddress? clientIP, ClientHelloInfo? hello)
    {
        ClientIP = clientIP is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : clientIP;
        IsTls = hello is not null;
        ServerName = hello?.ServerName is { Length: > 0 } name ? name.ToLowerInvariant().TrimEnd('.') : string.Empty;
        ApplicationProtocols = hello?.ApplicationProtocols ?? [];
    }

    public IPAddress? ClientIP { get; }

    public bool IsTls { get; }

    public string ServerName { get; }

    public IReadOnlyList<string> ApplicationProtocols { get; }
}

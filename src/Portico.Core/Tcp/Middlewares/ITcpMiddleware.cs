using System.Net;

namespace Portico.Tcp.Middlewares;

/// <summary>
/// A TCP middleware (<c>tcp.middlewares.&lt;name&gt;</c>): it decides, once per connection and before any byte is
/// proxied, whether the connection may go on. A refused connection is closed at once, as in Traefik. Each router gets its
/// own instances, so state such as <c>inFlightConn</c>'s counters is per router.
/// </summary>
internal interface ITcpMiddleware
{
    /// <summary>The qualified middleware name (<c>name@provider</c>), for logs.</summary>
    string Name { get; }

    /// <summary>
    /// Whether the connection from <paramref name="client"/> (the address after PROXY protocol) may go on; when true, the
    /// caller calls <see cref="Leave"/> once the connection closes.
    /// </summary>
    bool TryEnter(IPAddress? client);

    void Leave(IPAddress? client);
}

/// <summary><c>ipAllowList</c> (and the deprecated <c>ipWhiteList</c>) on TCP: Traefik's option names.</summary>
internal sealed record TcpIpAllowListOptions
{
    public IReadOnlyList<string> SourceRange { get; init; } = [];
}

/// <summary><c>inFlightConn</c>: at most <see cref="Amount"/> simultaneous connections per client IP.</summary>
internal sealed record TcpInFlightConnOptions
{
    public long Amount { get; init; }
}

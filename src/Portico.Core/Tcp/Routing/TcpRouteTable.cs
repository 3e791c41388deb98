using System.Collections.Frozen;

namespace Portico.Tcp.Routing;

/// <summary>
/// The TCP routes of one entry point, in Traefik's order: highest priority first (by default the rule's length), ties by
/// router name. Routes without <c>tls</c> answer connections that do not start with a TLS ClientHello; TLS routes
/// (passthrough or terminated) answer the others, with the ClientHello's SNI and ALPN to match on.
/// </summary>
internal sealed class TcpRouteTable
{
    public static TcpRouteTable Empty { get; } = new([], [], FrozenSet<string>.Empty, false);

    private readonly TcpRoute[] _plain;
    private readonly TcpRoute[] _tls;

    /// <param name="httpsHosts">Exact hosts of the HTTP routers serving TLS on this entry point (they take precedence over TLS catch-all routes, and a specific one over every TLS route).</param>
    /// <param name="hasHttpsRouters">Whether any HTTP router serves TLS on this entry point.</param>
    public TcpRouteTable(IEnumerable<TcpRoute> plain, IEnumerable<TcpRoute> tls, FrozenSet<string> httpsHosts, bool hasHttpsRouters)
    {
        _plain = Order(plain);
        _tls = Order(tls);
        HttpsHosts = httpsHosts;
        HasHttpsRouters = hasHttpsRouters;

        // Traefik's fast path for server-first protocols (SMTP, MySQL...): with non-TLS TCP routes and no TLS router at
        // all on the entry point, a connection is routed on its client address alone, before the client sends anything.
        RoutesBeforeFirstByte = _plain.Length > 0 && _tls.Length == 0 && !hasHttpsRouters;
    }

    public bool IsEmpty => _plain.Length == 0 && _tls.Length == 0;

    public IReadOnlyList<TcpRoute> Plain => _plain;

    public IReadOnlyList<TcpRoute> Tls => _tls;

    public FrozenSet<string> HttpsHosts { get; }

    public bool HasHttpsRouters { get; }

    /// <summary>Whether new connections are routed without waiting for the client's first bytes.</summary>
    public bool RoutesBeforeFirstByte { get; }

    public TcpRoute? MatchPlain(TcpConnectionInfo connection) => Match(_plain, connection);

    public TcpRoute? MatchTls(TcpConnectionInfo connection) => Match(_tls, connection);

    /// <summary>Priority descending, then name ascending (ordinal), so the order never depends on the configuration's order.</summary>
    internal static TcpRoute[] Order(IEnumerable<TcpRoute> routes) =>
        routes.OrderByDescending(r => r.Priority).ThenBy(r => r.RouterName, StringComparer.Ordinal).ToArray();

    private static TcpRoute? Match(TcpRoute[] routes, TcpConnectionInfo connection)
    {
        foreach (var route in routes)
        {
            if (route.Rule.Matcher.Matches(connection))
            {
                return route;
            }
        }

        return null;
    }
}

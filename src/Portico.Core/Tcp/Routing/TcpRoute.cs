using Portico.Tcp.Middlewares;
using Portico.Tcp.Services;

namespace Portico.Tcp.Routing;

/// <summary>What a TCP router does with the TLS of the connections it takes.</summary>
internal enum TcpTlsMode
{
    /// <summary>No <c>tls</c> section: the bytes are forwarded as they come; the rule cannot use a server name.</summary>
    None,

    /// <summary><c>tls.passthrough: true</c>: the untouched TLS stream goes to the backend, which terminates it.</summary>
    Passthrough,

    /// <summary><c>tls</c> without passthrough: Portico terminates TLS and forwards the decrypted bytes.</summary>
    Terminate,
}

/// <summary>
/// One enabled TCP router on one entry point: its compiled rule, priority and service. A connection keeps the route it
/// was accepted with (and so its service) until it closes, whatever reloads happen meanwhile.
/// </summary>
internal sealed record TcpRoute(string RouterName, TcpCompiledRule Rule, int Priority, TcpTlsMode Tls, string TlsOptions, ITcpService Service)
{
    /// <summary>
    /// <c>HostSNI(`*`)</c> alone: Traefik lets an HTTPS router for a specific host, then an HTTPS catch-all, win over
    /// such a TLS route, while a TLS route with a real condition wins over HTTPS catch-alls.
    /// </summary>
    public bool IsCatchAll => Rule.Matcher is TcpAnyMatcher;

    /// <summary>The router's TCP middlewares, in order; each may refuse the connection before anything is proxied.</summary>
    public ITcpMiddleware[] Middlewares { get; init; } = [];
}

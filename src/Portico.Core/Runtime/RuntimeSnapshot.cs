using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Portico.Routing.Http;
using Portico.Services;
using Portico.Tls;

namespace Portico.Runtime;

/// <summary>
/// One immutable, fully built configuration: what every request reads once at its start and uses to its end.
/// Published by <see cref="RuntimeHolder"/> with a single reference swap.
/// </summary>
internal sealed class RuntimeSnapshot
{
    public required long Generation { get; init; }

    /// <summary>Routes per entry point name, for requests over TLS and over cleartext.</summary>
    public required FrozenDictionary<string, EntryPointRoutes> EntryPoints { get; init; }

    /// <summary>TCP routes per entry point; an entry point without TCP routers has no entry (its connections go straight to HTTP).</summary>
    public FrozenDictionary<string, Tcp.Routing.TcpRouteTable> Tcp { get; init; } = FrozenDictionary<string, Tcp.Routing.TcpRouteTable>.Empty;

    /// <summary>Every built TCP service by qualified name (the API reads their servers' health).</summary>
    public IReadOnlyDictionary<string, Tcp.Services.ITcpService> TcpServices { get; init; } = FrozenDictionary<string, Tcp.Services.ITcpService>.Empty;

    /// <summary>The UDP route of each UDP entry point that has one; read when a datagram comes from a new client address.</summary>
    public FrozenDictionary<string, Udp.UdpRoute> Udp { get; init; } = FrozenDictionary<string, Udp.UdpRoute>.Empty;

    /// <summary>Every built service by qualified name (also carries the state reused by the next build).</summary>
    public required IReadOnlyDictionary<string, IHttpService> Services { get; init; }

    /// <summary>What the API and <c>portico check</c> show: every item with its status and errors.</summary>
    public required RuntimeStatus Status { get; init; }

    /// <summary>Certificates and TLS options, read by TLS entry points at each handshake.</summary>
    public TlsRuntime Tls { get; init; } = TlsRuntime.Empty;

    /// <summary>State a rebuild may reuse (services, transports) keyed by identity.</summary>
    public object? BuildState { get; init; }

    public static RuntimeSnapshot Empty { get; } = new()
    {
        Generation = 0,
        EntryPoints = FrozenDictionary<string, EntryPointRoutes>.Empty,
        Services = FrozenDictionary<string, IHttpService>.Empty,
        Status = RuntimeStatus.Empty,
    };
}

/// <summary>
/// One entry point's routes. As in Traefik, which keeps an HTTP and an HTTPS router set per entry point, a TLS router
/// (one with <c>tls</c>, or any router on an entry point with <c>http.tls</c>) answers only requests that arrived over TLS,
/// and any other router only cleartext ones; a request finding no router in its own table gets a 404.
/// </summary>
internal sealed class EntryPointRoutes(HttpRouteTable<RouteHandler> plain, HttpRouteTable<RouteHandler> tls)
{
    public HttpRouteTable<RouteHandler> Plain { get; } = plain;

    public HttpRouteTable<RouteHandler> Tls { get; } = tls;
}

/// <summary>A matched router's ready-to-run pipeline: its middlewares followed by its service.</summary>
internal sealed class RouteHandler
{
    public RouteHandler(string routerName, string serviceName, RequestDelegate pipeline)
    {
        RouterName = routerName;
        ServiceName = serviceName;
        Pipeline = pipeline;
    }

    public string RouterName { get; }

    public string ServiceName { get; }

    public RequestDelegate Pipeline { get; }

    /// <summary>The router's <c>observability</c> options on this entry point (inherited from the entry point where unset).</summary>
    public ObservabilityOptions Observability { get; init; } = ObservabilityOptions.All;

    /// <summary>Whether the router's requests go to the access log.</summary>
    public bool AccessLogs => Observability.AccessLogs;

    /// <summary>Whether the router's service is an internal one (<c>api@internal</c>, <c>ping@internal</c>...), which the access log skips unless <c>addInternals</c>.</summary>
    public bool IsInternal => ServiceName.EndsWith("@internal", StringComparison.Ordinal);
}

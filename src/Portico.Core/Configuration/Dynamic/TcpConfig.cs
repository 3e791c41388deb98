using Portico.Configuration.Parsing;

namespace Portico.Configuration.Dynamic;

/// <summary>Traefik's <c>tcp</c> section: routers, services, middlewares and servers transports for raw TCP connections.</summary>
public sealed record TcpConfig
{
    public IReadOnlyDictionary<string, TcpRouterConfig> Routers { get; init; } = new Dictionary<string, TcpRouterConfig>();

    public IReadOnlyDictionary<string, TcpServiceConfig> Services { get; init; } = new Dictionary<string, TcpServiceConfig>();

    /// <summary>Each middleware is a mapping with exactly one key, its type (<c>ipAllowList</c>, <c>inFlightConn</c>).</summary>
    public IReadOnlyDictionary<string, ConfigNode> Middlewares { get; init; } = new Dictionary<string, ConfigNode>();

    public IReadOnlyDictionary<string, TcpServersTransportConfig> ServersTransports { get; init; } = new Dictionary<string, TcpServersTransportConfig>();
}

public sealed record TcpRouterConfig
{
    public IReadOnlyList<string>? EntryPoints { get; init; }

    public IReadOnlyList<string> Middlewares { get; init; } = [];

    public string? Service { get; init; }

    public string? Rule { get; init; }

    /// <summary><c>v3</c> or <c>v2</c>; empty means <c>core.defaultRuleSyntax</c>.</summary>
    public string? RuleSyntax { get; init; }

    /// <summary>0 means the default: the rule's length.</summary>
    public int Priority { get; init; }

    /// <summary>Present (even empty) makes a TLS router: it sees SNI and ALPN, and terminates TLS unless <c>passthrough</c>.</summary>
    public TcpRouterTlsConfig? Tls { get; init; }

    public SourceLocation Location { get; init; }
}

public sealed record TcpRouterTlsConfig
{
    /// <summary>Forward the TLS bytes untouched to the service instead of terminating TLS.</summary>
    public bool Passthrough { get; init; }

    /// <summary>Name of the TLS options (<c>tls.options.&lt;name&gt;</c>); empty means <c>default</c>.</summary>
    public string? Options { get; init; }

    public string? CertResolver { get; init; }

    public IReadOnlyList<TlsDomainConfig> Domains { get; init; } = [];
}

/// <summary>A TCP service holds exactly one of <see cref="LoadBalancer"/> and <see cref="Weighted"/>.</summary>
public sealed record TcpServiceConfig
{
    public TcpLoadBalancerConfig? LoadBalancer { get; init; }

    public TcpWeightedConfig? Weighted { get; init; }

    public SourceLocation Location { get; init; }
}

public sealed record TcpLoadBalancerConfig
{
    public IReadOnlyList<TcpServerConfig> Servers { get; init; } = [];

    public string? ServersTransport { get; init; }

    /// <summary>Deprecated in Traefik v3 in favour of the servers transport's; sent only when no servers transport is named.</summary>
    public TcpProxyProtocolConfig? ProxyProtocol { get; init; }

    /// <summary>Deprecated in Traefik v3 in favour of the servers transport's; used when set and no transport is named.</summary>
    public TimeSpan? TerminationDelay { get; init; }

    /// <summary>TCP health checks (Traefik 3.6): accepted, not yet run.</summary>
    public ConfigNode? HealthCheck { get; init; }
}

public sealed record TcpServerConfig
{
    /// <summary><c>host:port</c> of the backend.</summary>
    public string? Address { get; init; }

    /// <summary>Speak TLS to the backend (with the servers transport's <c>tls</c> settings).</summary>
    public bool Tls { get; init; }

    /// <summary>Null means the default weight of 1.</summary>
    public int? Weight { get; init; }
}

public sealed record TcpWeightedConfig
{
    public IReadOnlyList<TcpWeightedServiceConfig> Services { get; init; } = [];

    public ConfigNode? HealthCheck { get; init; }
}

public sealed record TcpWeightedServiceConfig
{
    public string? Name { get; init; }

    /// <summary>Null means the default weight of 1.</summary>
    public int? Weight { get; init; }
}

public sealed record TcpProxyProtocolConfig
{
    /// <summary>PROXY protocol version sent to backends: 1 or 2 (Traefik's default when the section is present: 2).</summary>
    public int Version { get; init; } = 2;
}

/// <summary><c>tcp.serversTransports.&lt;name&gt;</c>: how Portico dials TCP backends.</summary>
public sealed record TcpServersTransportConfig
{
    /// <summary>0 means no limit.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Interval between TCP keep-alive probes; 0 uses the system's, negative disables keep-alive.</summary>
    public TimeSpan DialKeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// After one direction of a proxied connection ends (its sender closed), how long the other direction may still
    /// carry data before the connection is closed. Negative means no limit.
    /// </summary>
    public TimeSpan TerminationDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TcpProxyProtocolConfig? ProxyProtocol { get; init; }

    /// <summary>TLS to backends (<c>serverName</c>, <c>insecureSkipVerify</c>, <c>rootCAs</c>, ...): accepted, not yet honoured.</summary>
    public ConfigNode? Tls { get; init; }

    public SourceLocation Location { get; init; }
}

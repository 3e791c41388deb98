using Portico.Configuration.Parsing;

namespace Portico.Configuration.Dynamic;

/// <summary>
/// Traefik's dynamic <c>udp</c> section: routers and services for UDP datagrams. (Named apart from the static entry point
/// option <see cref="Static.UdpConfig"/>, which holds <c>udp.timeout</c>.)
/// </summary>
public sealed record UdpRoutingConfig
{
    public IReadOnlyDictionary<string, UdpRouterConfig> Routers { get; init; } = new Dictionary<string, UdpRouterConfig>();

    public IReadOnlyDictionary<string, UdpServiceConfig> Services { get; init; } = new Dictionary<string, UdpServiceConfig>();
}

/// <summary>A UDP router has no rule: it takes every datagram of its entry points (Traefik uses one router per entry point).</summary>
public sealed record UdpRouterConfig
{
    /// <summary>Empty means every UDP entry point, as in Traefik.</summary>
    public IReadOnlyList<string>? EntryPoints { get; init; }

    public string? Service { get; init; }

    public SourceLocation Location { get; init; }
}

/// <summary>A UDP service holds exactly one of <see cref="LoadBalancer"/> and <see cref="Weighted"/>.</summary>
public sealed record UdpServiceConfig
{
    public UdpLoadBalancerConfig? LoadBalancer { get; init; }

    public UdpWeightedConfig? Weighted { get; init; }

    public SourceLocation Location { get; init; }
}

public sealed record UdpLoadBalancerConfig
{
    public IReadOnlyList<UdpServerConfig> Servers { get; init; } = [];
}

public sealed record UdpServerConfig
{
    /// <summary><c>host:port</c> of the backend.</summary>
    public string? Address { get; init; }
}

public sealed record UdpWeightedConfig
{
    public IReadOnlyList<UdpWeightedServiceConfig> Services { get; init; } = [];
}

public sealed record UdpWeightedServiceConfig
{
    public string? Name { get; init; }

    /// <summary>Null means the default weight of 1.</summary>
    public int? Weight { get; init; }
}

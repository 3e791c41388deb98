using Portico.Configuration.Parsing;

namespace Portico.Configuration.Dynamic;

/// <summary>
/// Traefik v3 routing (dynamic) configuration as one provider emits it: always a complete configuration for
/// that provider's source. Nothing downstream mutates it.
/// </summary>
public sealed record DynamicConfig
{
    public HttpConfig? Http { get; init; }

    public TcpConfig? Tcp { get; init; }

    public UdpRoutingConfig? Udp { get; init; }

    public TlsConfig? Tls { get; init; }
}

public sealed record HttpConfig
{
    public IReadOnlyDictionary<string, RouterConfig> Routers { get; init; } = new Dictionary<string, RouterConfig>();

    public IReadOnlyDictionary<string, ServiceConfig> Services { get; init; } = new Dictionary<string, ServiceConfig>();

    /// <summary>Each middleware is a mapping with exactly one key, its type (for example <c>stripPrefix</c>), holding that type's options.</summary>
    public IReadOnlyDictionary<string, ConfigNode> Middlewares { get; init; } = new Dictionary<string, ConfigNode>();

    public IReadOnlyDictionary<string, ServersTransportItemConfig> ServersTransports { get; init; } = new Dictionary<string, ServersTransportItemConfig>();
}

public sealed record RouterConfig
{
    public IReadOnlyList<string>? EntryPoints { get; init; }

    public IReadOnlyList<string> Middlewares { get; init; } = [];

    public string? Service { get; init; }

    public string? Rule { get; init; }

    /// <summary><c>v3</c> or <c>v2</c>; empty means <c>core.defaultRuleSyntax</c>.</summary>
    public string? RuleSyntax { get; init; }

    /// <summary>0 means the default: the rule's length.</summary>
    public int Priority { get; init; }

    public RouterTlsConfig? Tls { get; init; }

    public ConfigNode? Observability { get; init; }

    public IReadOnlyList<string>? ParentRefs { get; init; }

    /// <summary>Where this router was written, for error messages.</summary>
    public SourceLocation Location { get; init; }
}

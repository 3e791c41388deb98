using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

/// <summary>
/// Traefik v3 install (static) configuration. Property names are Traefik's option names; binding ignores case.
/// Sections owned by later features are kept as raw nodes so a Traefik file that uses them still loads
/// (they are reported as not yet supported rather than as unknown keys).
/// </summary>
public sealed record StaticConfig
{
    public GlobalConfig? Global { get; init; }

    public IReadOnlyDictionary<string, EntryPointConfig>? EntryPoints { get; init; }

    public ServersTransportConfig? ServersTransport { get; init; }

    public ConfigNode? TcpServersTransport { get; init; }

    public ProvidersConfig? Providers { get; init; }

    public ApiConfig? Api { get; init; }

    public PingConfig? Ping { get; init; }

    public LogConfig? Log { get; init; }

    public CoreConfig? Core { get; init; }

    public ConfigNode? Metrics { get; init; }

    public Observability.AccessLog.AccessLogConfig? AccessLog { get; init; }

    public ConfigNode? Tracing { get; init; }

    public ConfigNode? HostResolver { get; init; }

    public IReadOnlyDictionary<string, CertificatesResolverConfig>? CertificatesResolvers { get; init; }

    public ConfigNode? Experimental { get; init; }

    public ConfigNode? Spiffe { get; init; }

    public ConfigNode? Ocsp { get; init; }
}

public sealed record GlobalConfig
{
    public bool CheckNewVersion { get; init; }

    public bool SendAnonymousUsage { get; init; }

    public bool NotAppendXForwardedFor { get; init; }
}

public sealed record CoreConfig
{
    /// <summary><c>v3</c> (default) or <c>v2</c>.</summary>
    public string DefaultRuleSyntax { get; init; } = "v3";
}

public sealed record ApiConfig
{
    public string BasePath { get; init; } = "/";

    public bool Insecure { get; init; }

    public bool Dashboard { get; init; } = true;

    public bool Debug { get; init; }

    public bool DisableDashboardAd { get; init; }

    public string? DashboardName { get; init; }
}

public sealed record PingConfig
{
    public string EntryPoint { get; init; } = "traefik";

    public bool ManualRouting { get; init; }

    public int TerminatingStatusCode { get; init; } = 503;
}

public sealed record LogConfig
{
    /// <summary>TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC (Traefik's zerolog levels). Default ERROR.</summary>
    public string Level { get; init; } = "ERROR";

    /// <summary><c>common</c> (default) or <c>json</c>.</summary>
    public string Format { get; init; } = "common";

    public bool NoColor { get; init; }

    public string? FilePath { get; init; }

    public int MaxSize { get; init; }

    public int MaxAge { get; init; }

    public int MaxBackups { get; init; }

    public bool Compress { get; init; }

    public ConfigNode? Otlp { get; init; }
}

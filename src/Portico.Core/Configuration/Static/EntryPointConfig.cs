using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

public sealed record EntryPointConfig
{
    /// <summary><c>:80</c>, <c>127.0.0.1:8080</c>, <c>[::]:443/tcp</c>, <c>:53/udp</c>.</summary>
    public string? Address { get; init; }

    public bool AllowACMEByPass { get; init; }

    public bool ReusePort { get; init; }

    public bool AsDefault { get; init; }

    public EntryPointTransportConfig Transport { get; init; } = new();

    public ProxyProtocolConfig? ProxyProtocol { get; init; }

    public ForwardedHeadersConfig ForwardedHeaders { get; init; } = new();

    public EntryPointHttpConfig Http { get; init; } = new();

    public Http2Config Http2 { get; init; } = new();

    public ConfigNode? Http3 { get; init; }

    public UdpConfig Udp { get; init; } = new();

    public EntryPointObservabilityConfig Observability { get; init; } = new();

    /// <summary>Where this entry point was written, for error messages.</summary>
    public SourceLocation Location { get; init; }
}

public sealed record EntryPointTransportConfig
{
    public LifeCycleConfig LifeCycle { get; init; } = new();

    public RespondingTimeoutsConfig RespondingTimeouts { get; init; } = new();

    /// <summary>Close a keep-alive connection after it has lived this long (0 = never).</summary>
    public TimeSpan KeepAliveMaxTime { get; init; }

    /// <summary>Close a keep-alive connection after this many requests (0 = never).</summary>
    public int KeepAliveMaxRequests { get; init; }
}

public sealed record LifeCycleConfig
{
    public TimeSpan RequestAcceptGraceTimeout { get; init; }

    public TimeSpan GraceTimeOut { get; init; } = TimeSpan.FromSeconds(10);
}

public sealed record RespondingTimeoutsConfig
{
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan WriteTimeout { get; init; }

    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(180);
}

public sealed record ProxyProtocolConfig
{
    public bool Insecure { get; init; }

    public IReadOnlyList<string> TrustedIPs { get; init; } = [];
}

public sealed record ForwardedHeadersConfig
{
    public bool Insecure { get; init; }

    public IReadOnlyList<string> TrustedIPs { get; init; } = [];

    /// <summary>Headers that may be listed in <c>Connection</c> by a trusted client and are then still forwarded.</summary>
    public IReadOnlyList<string> Connection { get; init; } = [];

    public bool NotAppendXForwardedFor { get; init; }

    public bool AddXForwardedSchemeHeaders { get; init; }
}

public sealed record EntryPointHttpConfig
{
    public RedirectionsConfig? Redirections { get; init; }

    public IReadOnlyList<string> Middlewares { get; init; } = [];

    public ConfigNode? Tls { get; init; }

    public EncodedCharactersConfig EncodedCharacters { get; init; } = new();

    public bool EncodeQuerySemicolons { get; init; }

    public bool SanitizePath { get; init; } = true;

    public int MaxHeaderBytes { get; init; } = 1 << 20;

    /// <summary><c>keep</c> (default), <c>delete</c> or <c>reject</c>.</summary>
    public string UnderscoreHeadersStrategy { get; init; } = "keep";
}

public sealed record RedirectionsConfig
{
    public EntryPointRedirectConfig? EntryPoint { get; init; }
}

public sealed record EntryPointRedirectConfig
{
    public string? To { get; init; }

    public string Scheme { get; init; } = "https";

    public bool Permanent { get; init; } = true;

    public int Priority { get; init; } = int.MaxValue - 1;
}

/// <summary>At the entry point every encoded character is allowed by default (Traefik 3.x).</summary>
public sealed record EncodedCharactersConfig
{
    public bool AllowEncodedSlash { get; init; } = true;

    public bool AllowEncodedBackSlash { get; init; } = true;

    public bool AllowEncodedNullCharacter { get; init; } = true;

    public bool AllowEncodedSemicolon { get; init; } = true;

    public bool AllowEncodedPercent { get; init; } = true;

    public bool AllowEncodedQuestionMark { get; init; } = true;

    public bool AllowEncodedHash { get; init; } = true;
}

public sealed record Http2Config
{
    public int MaxConcurrentStreams { get; init; } = 250;

    public int MaxDecoderHeaderTableSize { get; init; } = 4096;

    public int MaxEncoderHeaderTableSize { get; init; } = 4096;
}

public sealed record UdpConfig
{
    /// <summary>How long a UDP session (one client address) lives without a datagram in either direction.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Portico extension: the most UDP sessions the entry point keeps at once. When it is full, datagrams from new client
    /// addresses are dropped (established sessions keep working), so a flood of source addresses cannot exhaust memory.
    /// </summary>
    public int MaxSessions { get; init; } = 10_000;
}

public sealed record EntryPointObservabilityConfig
{
    public bool AccessLogs { get; init; } = true;

    public bool Metrics { get; init; } = true;

    public bool Tracing { get; init; } = true;

    public string TraceVerbosity { get; init; } = "minimal";
}

using Portico.Configuration.Parsing;

namespace Portico.Configuration.Dynamic;

/// <summary>A service holds exactly one of <see cref="LoadBalancer"/>, <see cref="Weighted"/>, <see cref="Mirroring"/>, <see cref="Failover"/>.</summary>
public sealed record ServiceConfig
{
    public IReadOnlyList<string> Middlewares { get; init; } = [];

    public LoadBalancerConfig? LoadBalancer { get; init; }

    public WeightedConfig? Weighted { get; init; }

    public ConfigNode? HighestRandomWeight { get; init; }

    public MirroringConfig? Mirroring { get; init; }

    public FailoverConfig? Failover { get; init; }

    public SourceLocation Location { get; init; }
}

public sealed record LoadBalancerConfig
{
    public IReadOnlyList<ServerConfig> Servers { get; init; } = [];

    /// <summary><c>wrr</c> (default), <c>p2c</c>, <c>hrw</c> or <c>leasttime</c>.</summary>
    public string Strategy { get; init; } = "wrr";

    public StickyConfig? Sticky { get; init; }

    public HealthCheckConfig? HealthCheck { get; init; }

    public PassiveHealthCheckConfig? PassiveHealthCheck { get; init; }

    public bool PassHostHeader { get; init; } = true;

    public ResponseForwardingConfig ResponseForwarding { get; init; } = new();

    public string? ServersTransport { get; init; }

    /// <summary>Portico extension: ramp a server's share of traffic up over this long after it becomes healthy.</summary>
    public TimeSpan SlowStart { get; init; }
}

public sealed record ServerConfig
{
    public string? Url { get; init; }

    /// <summary>Null means the default weight of 1.</summary>
    public int? Weight { get; init; }

    public bool PreservePath { get; init; }
}

public sealed record StickyConfig
{
    public StickyCookieConfig? Cookie { get; init; }
}

public sealed record StickyCookieConfig
{
    public string? Name { get; init; }

    public bool Secure { get; init; }

    public bool HttpOnly { get; init; }

    /// <summary><c>none</c>, <c>lax</c>, <c>strict</c> or empty.</summary>
    public string? SameSite { get; init; }

    public int MaxAge { get; init; }

    public string Path { get; init; } = "/";

    public string? Domain { get; init; }
}

public sealed record HealthCheckConfig
{
    public string? Scheme { get; init; }

    /// <summary><c>http</c> (default) or <c>grpc</c>.</summary>
    public string Mode { get; init; } = "http";

    public string? Path { get; init; }

    public string Method { get; init; } = "GET";

    /// <summary>0 means any 2xx or 3xx.</summary>
    public int Status { get; init; }

    public int Port { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Null means the same as <see cref="Interval"/>.</summary>
    public TimeSpan? UnhealthyInterval { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    public string? Hostname { get; init; }

    public bool FollowRedirects { get; init; } = true;

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

public sealed record PassiveHealthCheckConfig
{
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxFailedAttempts { get; init; } = 1;
}

public sealed record ResponseForwardingConfig
{
    /// <summary>Default 100ms; a negative value flushes after every write.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}

public sealed record WeightedConfig
{
    public IReadOnlyList<WeightedServiceRef> Services { get; init; } = [];

    public StickyConfig? Sticky { get; init; }

    public ConfigNode? HealthCheck { get; init; }
}

public sealed record WeightedServiceRef
{
    public string? Name { get; init; }

    public int? Weight { get; init; }
}

public sealed record MirroringConfig
{
    public string? Service { get; init; }

    public bool MirrorBody { get; init; } = true;

    /// <summary>-1 (default) means no limit.</summary>
    public long MaxBodySize { get; init; } = -1;

    public IReadOnlyList<MirrorRef> Mirrors { get; init; } = [];

    public ConfigNode? HealthCheck { get; init; }
}

public sealed record MirrorRef
{
    public string? Name { get; init; }

    public int Percent { get; init; }
}

public sealed record FailoverConfig
{
    public string? Service { get; init; }

    public string? Fallback { get; init; }

    public ConfigNode? HealthCheck { get; init; }

    public FailoverErrorsConfig? Errors { get; init; }
}

public sealed record FailoverErrorsConfig
{
    /// <summary>Status codes or ranges such as <c>500-599</c> that switch the request to the fallback.</summary>
    public IReadOnlyList<string> Status { get; init; } = [];

    public long MaxRequestBodyBytes { get; init; } = -1;
}

using Portico.Middlewares.SourceCriterion;

namespace Portico.Middlewares.RateLimit;

/// <summary>Traefik <c>rateLimit</c> options: a token bucket per source refilled at <c>average / period</c>, holding <c>burst</c> tokens.</summary>
internal sealed record RateLimitOptions
{
    /// <summary>Tokens added per <see cref="Period"/>; 0 turns the limit off.</summary>
    public long Average { get; init; }

    /// <summary>0 means one second, as in Traefik.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bucket size; values below 1 mean 1.</summary>
    public long Burst { get; init; } = 1;

    /// <summary>What a source is; by default the socket peer address.</summary>
    public SourceCriterionOptions? SourceCriterion { get; init; }

    /// <summary>When set, the buckets live in Redis and every Portico replica shares them.</summary>
    public RedisOptions? Redis { get; init; }
}

/// <summary>Traefik <c>rateLimit.redis</c> options (go-redis names and defaults).</summary>
internal sealed record RedisOptions
{
    public IReadOnlyList<string> Endpoints { get; init; } = ["localhost:6379"];

    /// <summary>Bound so configurations that set it are refused with a clear message: TLS to Redis is not supported yet.</summary>
    public Configuration.Parsing.ConfigNode? Tls { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public int Db { get; init; }

    /// <summary>Most connections to Redis; 0 means ten per processor, go-redis's default.</summary>
    public int PoolSize { get; init; }

    /// <summary>Accepted for compatibility; connections are opened on demand.</summary>
    public int MinIdleConns { get; init; }

    /// <summary>Accepted for compatibility; <see cref="PoolSize"/> bounds the connections.</summary>
    public int MaxActiveConns { get; init; }

    /// <summary>0 means 3 s and a negative value means no timeout, as in go-redis.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>0 means 5 s.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

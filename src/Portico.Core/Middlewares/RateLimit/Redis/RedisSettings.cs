using System.Globalization;

namespace Portico.Middlewares.RateLimit.Redis;

/// <summary>Validated connection settings for one Redis server; equal settings share one connection pool.</summary>
internal sealed record RedisSettings
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public int Db { get; init; }

    public int PoolSize { get; init; }

    /// <summary><see cref="Timeout.InfiniteTimeSpan"/> when disabled.</summary>
    public TimeSpan ReadTimeout { get; init; }

    public TimeSpan WriteTimeout { get; init; }

    public TimeSpan DialTimeout { get; init; }

    /// <summary>Checks the options, reporting what this client cannot do (TLS, Redis Cluster) instead of ignoring it.</summary>
    public static RedisSettings? From(RedisOptions options, Action<string> error)
    {
        var ok = true;
        if (options.Tls is not null)
        {
            error("redis.tls is not supported by this Portico version; use a plain connection (for example through a local TLS tunnel) or remove rateLimit.redis");
            ok = false;
        }

        if (options.Endpoints.Count != 1)
        {
            error(options.Endpoints.Count == 0
                ? "redis.endpoints needs one host:port"
                : "redis.endpoints lists several servers, which means Redis Cluster; this Portico version supports a single Redis server");
            return null;
        }

        var endpoint = options.Endpoints[0].Trim();
        if (!TrySplit(endpoint, out var host, out var port))
        {
            error($"redis.endpoints: \"{endpoint}\" is not host:port");
            ok = false;
        }

        if (options.Db < 0)
        {
            error($"redis.db must not be negative (got {options.Db})");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        return new RedisSettings
        {
            Host = host,
            Port = port,
            Username = string.IsNullOrEmpty(options.Username) ? null : options.Username,
            Password = string.IsNullOrEmpty(options.Password) ? null : options.Password,
            Db = options.Db,
            PoolSize = options.PoolSize > 0 ? options.PoolSize : 10 * Environment.ProcessorCount,
            ReadTimeout = Effective(options.ReadTimeout, TimeSpan.FromSeconds(3)),
            WriteTimeout = Effective(options.WriteTimeout, TimeSpan.FromSeconds(3)),
            DialTimeout = options.DialTimeout > TimeSpan.Zero ? options.DialTimeout : TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>go-redis: 0 means the default and a negative value means no deadline.</summary>
    private static TimeSpan Effective(TimeSpan value, TimeSpan fallback) =>
        value < TimeSpan.Zero ? Timeout.InfiniteTimeSpan : value == TimeSpan.Zero ? fallback : value;

    private static bool TrySplit(string endpoint, out string host, out int port)
    {
        host = endpoint;
        port = 6379;
        var colon = endpoint.LastIndexOf(':');
        if (colon < 0 || (endpoint.StartsWith('[') && endpoint.IndexOf(']') > colon))
        {
            host = endpoint.Trim('[', ']');
            return host.Length > 0;
        }

        host = endpoint[..colon].Trim('[', ']');
        return host.Length > 0
            && int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;
    }
}

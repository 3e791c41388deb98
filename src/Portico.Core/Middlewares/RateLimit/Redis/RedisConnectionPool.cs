using System.Collections.Concurrent;

namespace Portico.Middlewares.RateLimit.Redis;

/// <summary>
/// Up to <see cref="RedisSettings.PoolSize"/> connections to one server, opened on demand and reused. A caller waits
/// for a free slot at most the read timeout plus one second (go-redis's pool timeout). A connection that failed is
/// dropped, never returned, so a broken stream cannot answer the next caller with a stale reply.
/// </summary>
internal sealed class RedisConnectionPool
{
    private readonly ConcurrentQueue<RespConnection> _idle = new();
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _waitForSlot;

    public RedisConnectionPool(RedisSettings settings)
    {
        Settings = settings;
        _slots = new SemaphoreSlim(settings.PoolSize, settings.PoolSize);
        _waitForSlot = settings.ReadTimeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : settings.ReadTimeout + TimeSpan.FromSeconds(1);
    }

    public RedisSettings Settings { get; }

    /// <summary>Idle connections (for tests).</summary>
    public int Idle => _idle.Count;

    public async Task<RespReply> ExecuteAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(_waitForSlot, cancellationToken))
        {
            throw new RedisException($"no free connection to Redis at {Settings.Host}:{Settings.Port} within {_waitForSlot.TotalSeconds:0.#}s");
        }

        RespConnection? connection = null;
        try
        {
            if (!_idle.TryDequeue(out connection))
            {
                connection = await RespConnection.ConnectAsync(Settings, cancellationToken);
            }

            var reply = await connection.ExecuteAsync(arguments, cancellationToken);
            _idle.Enqueue(connection);
            connection = null;
            return reply;
        }
        finally
        {
            connection?.Dispose();
            _slots.Release();
        }
    }
}

/// <summary>
/// One pool per distinct settings for the whole process. Middleware instances are rebuilt on every configuration
/// change and have no disposal hook, so a pool per instance would leak connections; sharing by settings reuses them.
/// </summary>
internal static class RedisPools
{
    private static readonly ConcurrentDictionary<RedisSettings, RedisConnectionPool> Pools = new();

    public static RedisConnectionPool Get(RedisSettings settings) => Pools.GetOrAdd(settings, static s => new RedisConnectionPool(s));
}

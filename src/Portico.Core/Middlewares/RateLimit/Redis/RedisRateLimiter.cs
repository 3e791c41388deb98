using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portico.Middlewares.RateLimit.Redis;

/// <summary>
/// Buckets in Redis, shared by every replica: the refill-and-take step of <see cref="TokenBucket.Take"/> runs atomically
/// in a Lua script (EVALSHA, falling back to EVAL when the server does not have it cached). Keys are
/// <c>rate:&lt;middleware&gt;:&lt;source&gt;</c> and expire after the bucket's ttl, so idle sources cost Redis nothing.
/// Times are the replica's wall clock in microseconds, as in Traefik, so replicas need synchronised clocks. Unlike
/// Traefik, a call whose time is older than the bucket's (it waited for a connection while a later one ran) counts as
/// happening at the bucket's time: moving the bucket's time back would credit the same interval twice.
/// </summary>
internal sealed class RedisRateLimiter : IRateLimiter
{
    /// <summary>
    /// KEYS[1] = the bucket; ARGV = tokens per microsecond, burst, ttl in seconds, now in microseconds, max delay in
    /// microseconds. Returns the wait in microseconds before the token is available, as text.
    /// </summary>
    internal const string Script = """
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local ttl = tonumber(ARGV[3])
        local now = tonumber(ARGV[4])
        local max_delay = tonumber(ARGV[5])
        local state = redis.call('HMGET', KEYS[1], 'last', 'tokens')
        local last = tonumber(state[1])
        local tokens = tonumber(state[2])
        if last == nil or tokens == nil then
          last = now
          tokens = burst
        end
        if now < last then
          now = last
        end
        tokens = math.min(burst, tokens + (now - last) * rate) - 1
        local wait = 0
        if tokens < 0 then
          wait = -tokens / rate
          if wait > max_delay then
            tokens = tokens + 1
          end
        end
        redis.call('HSET', KEYS[1], 'last', now, 'tokens', tokens)
        redis.call('EXPIRE', KEYS[1], ttl)
        return tostring(wait)
        """;

    internal static readonly string ScriptSha = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Script)));

    private readonly RedisConnectionPool _pool;
    private readonly TimeProvider _time;
    private readonly string _keyPrefix;
    private readonly string _rate;
    private readonly string _burst;
    private readonly string _ttl;
    private readonly string _maxDelay;

    public RedisRateLimiter(RedisConnectionPool pool, TokenBucket bucket, TimeProvider time, string middlewareName)
    {
        _pool = pool;
        _time = time;
        _keyPrefix = "rate:" + middlewareName + ":";
        _rate = (bucket.Rate / 1_000_000).ToString("R", CultureInfo.InvariantCulture);
        _burst = bucket.Burst.ToString(CultureInfo.InvariantCulture);
        _ttl = bucket.TtlSeconds.ToString(CultureInfo.InvariantCulture);
        _maxDelay = (bucket.MaxDelay.Ticks / 10).ToString(CultureInfo.InvariantCulture);
    }

    public ValueTask<TimeSpan> TakeAsync(string source, CancellationToken cancellationToken) => new(TakeCoreAsync(source, cancellationToken));

    private async Task<TimeSpan> TakeCoreAsync(string source, CancellationToken cancellationToken)
    {
        var now = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        string[] command = ["EVALSHA", ScriptSha, "1", _keyPrefix + source, _rate, _burst, _ttl, now.ToString(CultureInfo.InvariantCulture), _maxDelay];
        var reply = await _pool.ExecuteAsync(command, cancellationToken);
        if (reply.IsError && reply.Text!.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            command[0] = "EVAL";
            command[1] = Script;
            reply = await _pool.ExecuteAsync(command, cancellationToken);
        }

        if (reply.Kind != RespKind.BulkString
            || !double.TryParse(reply.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var microseconds))
        {
            throw new RedisException($"unexpected reply to the rate-limit script: {reply}");
        }

        return TimeSpan.FromTicks((long)Math.Ceiling(microseconds * 10));
    }
}

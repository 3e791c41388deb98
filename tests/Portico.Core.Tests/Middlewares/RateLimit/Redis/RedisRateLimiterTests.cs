using Portico.Middlewares.RateLimit;
using Portico.Middlewares.RateLimit.Redis;
using Portico.Tests.Middlewares.SourceCriterion;

namespace Portico.Tests.Middlewares.RateLimit.Redis;

/// <summary>The RESP client and the Lua bucket against a real redis-server, with a fake clock for the bucket's time.</summary>
public sealed class RedisRateLimiterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RespClientRoundTripsTheReplyKinds()
    {
        await using var server = await RedisServer.StartAsync();
        var pool = new RedisConnectionPool(Settings(server.Endpoint));

        var set = await pool.ExecuteAsync(["SET", "k", "välue"], CancellationToken.None).WaitAsync(Timeout);
        var get = await pool.ExecuteAsync(["GET", "k"], CancellationToken.None).WaitAsync(Timeout);
        var missing = await pool.ExecuteAsync(["GET", "nothing"], CancellationToken.None).WaitAsync(Timeout);
        var count = await pool.ExecuteAsync(["INCR", "n"], CancellationToken.None).WaitAsync(Timeout);
        var array = await pool.ExecuteAsync(["MGET", "k", "nothing"], CancellationToken.None).WaitAsync(Timeout);
        var error = await pool.ExecuteAsync(["NOSUCHCOMMAND"], CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal("OK", set.Text);
        Assert.Equal("välue", get.Text);
        Assert.Equal(RespKind.Null, missing.Kind);
        Assert.Equal(1, count.Integer);
        Assert.Equal("[välue, (nil)]", array.ToString());
        Assert.True(error.IsError);
        Assert.Equal(1, pool.Idle);
    }

    [Fact]
    public async Task AuthenticatesAndSelectsTheDatabase()
    {
        await using var server = await RedisServer.StartAsync("--requirepass", "s3cret");
        var pool = new RedisConnectionPool(Settings(server.Endpoint) with { Password = "s3cret", Db = 3 });
        var wrong = new RedisConnectionPool(Settings(server.Endpoint) with { Password = "nope" });

        await pool.ExecuteAsync(["SET", "in-db-3", "1"], CancellationToken.None).WaitAsync(Timeout);
        var db = await pool.ExecuteAsync(["CLIENT", "INFO"], CancellationToken.None).WaitAsync(Timeout);

        Assert.Contains(" db=3 ", db.Text, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RedisException>(() => wrong.ExecuteAsync(["PING"], CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task TheLuaBucketMatchesTheInMemoryOne()
    {
        await using var server = await RedisServer.StartAsync();
        var time = new FakeTimeProvider();
        var bucket = TokenBucket.From(10, TimeSpan.FromSeconds(1), 3);
        var redis = new RedisRateLimiter(new RedisConnectionPool(Settings(server.Endpoint)), bucket, time, "lua@file");
        var memory = new InMemoryRateLimiter(bucket, time);

        var steps = new (int AdvanceMs, string Source)[] { (0, "a"), (0, "a"), (0, "a"), (0, "a"), (60, "a"), (0, "a"), (1000, "a"), (0, "b"), (10, "a") };
        foreach (var (advance, source) in steps)
        {
            time.Advance(TimeSpan.FromMilliseconds(advance));
            var expected = memory.Take(source);
            var actual = await redis.TakeAsync(source, CancellationToken.None).AsTask().WaitAsync(Timeout);
            Assert.True(Math.Abs((expected - actual).TotalMilliseconds) < 0.01, $"{source} after {advance} ms: memory {expected}, redis {actual}");
        }
    }

    [Fact]
    public async Task EvalLoadsTheScriptWhenTheServerForgotIt()
    {
        await using var server = await RedisServer.StartAsync();
        var pool = new RedisConnectionPool(Settings(server.Endpoint));
        var redis = new RedisRateLimiter(pool, TokenBucket.From(1, TimeSpan.FromSeconds(1), 1), new FakeTimeProvider(), "flush@file");

        await redis.TakeAsync("a", CancellationToken.None).AsTask().WaitAsync(Timeout);
        await pool.ExecuteAsync(["SCRIPT", "FLUSH"], CancellationToken.None).WaitAsync(Timeout);
        var wait = await redis.TakeAsync("a", CancellationToken.None).AsTask().WaitAsync(Timeout);
        var ttl = await pool.ExecuteAsync(["TTL", "rate:flush@file:a"], CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.InRange(ttl.Integer, 1, 2);
    }

    [Fact]
    public async Task AnUnreachableRedisAnswers500AsTraefik()
    {
        var port = FreeClosedPort();
        var middleware = LimitsHarness.BuildOrThrow(
            $"rateLimit:\n  average: 5\n  redis:\n    endpoints: [\"127.0.0.1:{port}\"]\n    dialTimeout: 2s", _ => Task.CompletedTask, new FakeTimeProvider());
        var context = LimitsHarness.Request();

        await middleware(context).WaitAsync(Timeout);

        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("Could not insert/update bucket\n", LimitsHarness.Body(context));
    }

    private static RedisSettings Settings(string endpoint)
    {
        var errors = new List<string>();
        var settings = RedisSettings.From(new RedisOptions { Endpoints = [endpoint], PoolSize = 4 }, errors.Add);
        return settings ?? throw new InvalidOperationException(string.Join("; ", errors));
    }

    private static int FreeClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

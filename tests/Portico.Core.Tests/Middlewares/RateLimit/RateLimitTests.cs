using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Middlewares.RateLimit;
using Portico.Tests.Middlewares.SourceCriterion;

namespace Portico.Tests.Middlewares.RateLimit;

public sealed class RateLimitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("100 per second: half of 10 ms", 100, "1s", 2, 50_000)]
    [InlineData("3 per second: Go truncates the rate first", 3, "1s", 2, 1_666_666)]
    [InlineData("1.5 per second truncates to 1", 3, "2s", 2, 5_000_000)]
    [InlineData("below 1 per second: 500 ms", 1, "10s", 11, 5_000_000)]
    public void DerivesMaxDelayAndTtlAsTraefik(string scenario, long average, string period, int ttl, long maxDelayTicks)
    {
        Assert.True(Portico.Configuration.Parsing.GoDuration.TryParse(period, out var span));
        var bucket = TokenBucket.From(average, span, 0);

        Assert.True(maxDelayTicks == bucket.MaxDelay.Ticks, scenario);
        Assert.Equal(ttl, bucket.TtlSeconds);
        Assert.Equal(1, bucket.Burst);
    }

    [Fact]
    public async Task BurstThenRefusalWithRetryHeadersThenRefill()
    {
        var time = new FakeTimeProvider();
        var middleware = LimitsHarness.BuildOrThrow("rateLimit:\n  average: 1\n  burst: 3", Ok, time);

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(await SendAsync(middleware));
        }

        var refused = LimitsHarness.Request();
        await middleware(refused).WaitAsync(Timeout);
        time.Advance(TimeSpan.FromSeconds(1));
        statuses.Add(await SendAsync(middleware));
        statuses.Add(await SendAsync(middleware));

        Assert.Equal([200, 200, 200, 200, 429], statuses);
        Assert.Equal(429, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());
        Assert.Equal("1s", refused.Response.Headers["X-Retry-In"].ToString());
        Assert.Equal("Too Many Requests", LimitsHarness.Body(refused));
    }

    [Fact]
    public async Task ARequestWhoseTokenComesWithinMaxDelayIsHeldBackNotRefused()
    {
        // 10 per second: a token every 100 ms, maxDelay 50 ms.
        var time = new FakeTimeProvider();
        var middleware = LimitsHarness.BuildOrThrow("rateLimit:\n  average: 10", Ok, time);
        Assert.Equal(200, await SendAsync(middleware));

        time.Advance(TimeSpan.FromMilliseconds(60));
        var held = LimitsHarness.Request();
        var pending = middleware(held);
        Assert.False(pending.IsCompleted);
        var refused = LimitsHarness.Request();
        await middleware(refused).WaitAsync(Timeout);
        time.Advance(TimeSpan.FromMilliseconds(40));
        await pending.WaitAsync(Timeout);

        Assert.Equal(200, held.Response.StatusCode);
        Assert.Equal(429, refused.Response.StatusCode);
        Assert.Equal("140ms", refused.Response.Headers["X-Retry-In"].ToString());
    }

    [Theory]
    [InlineData("per socket peer by default", "rateLimit:\n  average: 1", "10.0.0.2", null, 200)]
    [InlineData("per header value", "rateLimit:\n  average: 1\n  sourceCriterion:\n    requestHeaderName: X-User", "10.0.0.2", null, 429)]
    [InlineData("per X-Forwarded-For depth", "rateLimit:\n  average: 1\n  sourceCriterion:\n    ipStrategy:\n      depth: 1", "10.0.0.1", "2.2.2.2", 200)]
    public async Task BucketsArePerSource(string scenario, string yaml, string peer, string? forwardedFor, int expected)
    {
        var middleware = LimitsHarness.BuildOrThrow(yaml, Ok, new FakeTimeProvider());
        await middleware(LimitsHarness.Request("10.0.0.1", "1.1.1.1", "example.com", "X-User: alice")).WaitAsync(Timeout);

        var second = LimitsHarness.Request(peer, forwardedFor, "example.com", "X-User: alice");
        await middleware(second).WaitAsync(Timeout);

        Assert.True(expected == second.Response.StatusCode, scenario);
    }

    [Fact]
    public async Task AverageZeroTurnsTheLimitOff()
    {
        var middleware = LimitsHarness.BuildOrThrow("rateLimit:\n  average: 0\n  burst: 1", Ok, new FakeTimeProvider());

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(200, await SendAsync(middleware));
        }
    }

    [Fact]
    public void IdleBucketsExpireAndTheLeastRecentlyUsedGoFirst()
    {
        var time = new FakeTimeProvider();
        var limiter = new InMemoryRateLimiter(TokenBucket.From(1, TimeSpan.FromSeconds(1), 1), time, capacity: 3);

        limiter.Take("a");
        limiter.Take("b");
        limiter.Take("c");
        limiter.Take("a");
        limiter.Take("d");
        var bWasEvicted = limiter.Take("b") == TimeSpan.Zero;
        var aStillLimited = limiter.Take("a") > TimeSpan.Zero;
        time.Advance(TimeSpan.FromSeconds(3));
        limiter.Take("e");

        Assert.True(bWasEvicted);
        Assert.True(aStillLimited);
        Assert.Equal(1, limiter.Count);
    }

    [Theory]
    [InlineData("rateLimit:\n  average: 1\n  period: -1s", "period must not be negative")]
    [InlineData("rateLimit:\n  average: -1", "average must not be negative")]
    [InlineData("rateLimit:\n  average: 1\n  redis:\n    tls:\n      insecureSkipVerify: true", "redis.tls is not supported")]
    [InlineData("rateLimit:\n  average: 1\n  redis:\n    endpoints: [\"a:1\", \"b:2\"]", "supports a single Redis server")]
    [InlineData("rateLimit:\n  average: 1\n  redis:\n    endpoints: [\"a:port\"]", "is not host:port")]
    [InlineData("rateLimit:\n  average: 1\n  sourceCriterion:\n    ipStrategy:\n      depth: -2", "sourceCriterion.ipStrategy.depth must not be negative")]
    public void RefusesBadOptions(string yaml, string expected)
    {
        var errors = new List<ConfigError>();

        Assert.Null(LimitsHarness.Build(yaml, errors));
        Assert.Contains(errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    private static Task Ok(HttpContext context) => Task.CompletedTask;

    private static async Task<int> SendAsync(RequestDelegate middleware)
    {
        var context = LimitsHarness.Request();
        await middleware(context).WaitAsync(Timeout);
        return context.Response.StatusCode;
    }
}

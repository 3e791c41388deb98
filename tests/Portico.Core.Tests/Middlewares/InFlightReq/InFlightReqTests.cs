using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Tests.Middlewares.SourceCriterion;

namespace Portico.Tests.Middlewares.InFlightReq;

public sealed class InFlightReqTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("by host (default): another host has its own quota", "inFlightReq:\n  amount: 2", "other.com", 200)]
    [InlineData("by host: the same host is over quota", "inFlightReq:\n  amount: 2", "example.com", 429)]
    [InlineData("by header: the same user is over quota", "inFlightReq:\n  amount: 2\n  sourceCriterion:\n    requestHeaderName: X-User", "other.com", 429)]
    [InlineData("by socket peer: another peer has its own quota", "inFlightReq:\n  amount: 2\n  sourceCriterion:\n    ipStrategy: {}", "other.com|10.0.0.2", 200)]
    public async Task LimitsConcurrentRequestsPerSource(string scenario, string yaml, string third, int expected)
    {
        var release = new TaskCompletionSource();
        var middleware = LimitsHarness.BuildOrThrow(yaml, context => context.Request.Path == "/hold" ? release.Task : Task.CompletedTask);
        var first = middleware(Request("example.com", "/hold"));
        var second = middleware(Request("example.com", "/hold"));

        var parts = third.Split('|');
        var context = Request(parts[0], "/now", parts.Length > 1 ? parts[1] : "10.0.0.1");
        await middleware(context).WaitAsync(Timeout);
        release.SetResult();
        await Task.WhenAll(first, second).WaitAsync(Timeout);

        Assert.True(expected == context.Response.StatusCode, scenario);
        if (expected == 429)
        {
            Assert.Equal("Too Many Requests", LimitsHarness.Body(context));
        }
    }

    [Fact]
    public async Task ReleasesOnCompletionAndOnFailureAndForgetsIdleSources()
    {
        var release = new TaskCompletionSource();
        var middleware = LimitsHarness.BuildOrThrow("inFlightReq:\n  amount: 1", context => context.Request.Path.Value switch
        {
            "/hold" => release.Task,
            "/throw" => throw new InvalidOperationException("backend stage failed"),
            _ => Task.CompletedTask,
        });

        var held = middleware(Request("a.com", "/hold"));
        var refused = Request("a.com", "/now");
        await middleware(refused).WaitAsync(Timeout);
        release.SetResult();
        await held.WaitAsync(Timeout);
        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware(Request("a.com", "/throw")).WaitAsync(Timeout));
        var after = Request("a.com", "/now");
        await middleware(after).WaitAsync(Timeout);

        Assert.Equal(429, refused.Response.StatusCode);
        Assert.Equal(200, after.Response.StatusCode);
    }

    [Fact]
    public void CountersRemoveSourcesAtZero()
    {
        var counters = new Portico.Middlewares.InFlightReq.InFlightCounters(2);

        Assert.True(counters.TryAcquire("a"));
        Assert.True(counters.TryAcquire("a"));
        Assert.False(counters.TryAcquire("a"));
        Assert.False(new Portico.Middlewares.InFlightReq.InFlightCounters(0).TryAcquire("b"));
        Assert.Equal(1, counters.Sources);
        counters.Release("a");
        counters.Release("a");
        Assert.Equal(0, counters.Sources);
    }

    [Fact]
    public void RefusesBadSourceCriterion()
    {
        var errors = new List<ConfigError>();

        Assert.Null(LimitsHarness.Build("inFlightReq:\n  amount: 1\n  sourceCriterion:\n    ipStrategy:\n      excludedIPs: [\"x\"]", errors));
        Assert.Contains(errors, e => e.Message.Contains("sourceCriterion.ipStrategy.excludedIPs", StringComparison.Ordinal));
    }

    private static DefaultHttpContext Request(string host, string path, string peer = "10.0.0.1")
    {
        var context = LimitsHarness.Request(peer, null, host, "X-User: alice");
        context.Request.Path = path;
        return context;
    }
}

using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.RateLimit;

/// <summary>rateLimit through real listeners: in memory, and shared by two Portico instances through one real redis-server.</summary>
public sealed class RateLimitTests
{
    private const string Static = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """;

    [Fact]
    public async Task InMemoryBurstThenRetryHeadersAsync()
    {
        var time = new FakeTimeProvider();
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(backend, "average: 2", "burst: 2"), time: time);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 3; i++)
        {
            var response = await portico.Client.GetAsync(portico.Url()).WaitAsync(PorticoHost.Timeout);
            statuses.Add(response.StatusCode);
            refused = response;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("1", refused!.Headers.GetValues("Retry-After").Single());
        Assert.Equal("500ms", refused.Headers.GetValues("X-Retry-In").Single());
        Assert.Equal(2, backend.Requests);
    }

    [Fact]
    public async Task BucketsSurviveAReloadThatLeavesTheMiddlewareUnchangedAsync()
    {
        var time = new FakeTimeProvider();
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync("ok"));
        var dynamic = Dynamic(backend, "average: 1", "period: 1m", "burst: 2");
        await using var portico = await PorticoHost.StartAsync(Static, dynamic, time: time);

        var before = new[] { await StatusAsync(portico), await StatusAsync(portico), await StatusAsync(portico) };

        // Reload with an extra router: the limiter's options are the same, so its buckets carry over. The file provider
        // waits a quiet period on the injected clock before reading, so the clock is moved on until the reload is live.
        var generation = portico.Runtime.Current.Generation;
        var withOtherRouter = dynamic.Replace("  middlewares:", "    other: { rule: \"Path(`/other`)\", service: backend }\n  middlewares:", StringComparison.Ordinal);
        Assert.NotEqual(dynamic, withOtherRouter);
        var reload = portico.WriteDynamicAsync(withOtherRouter);
        await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            return portico.Runtime.Current.Generation > generation;
        }, "the reload");
        var snapshot = await reload;
        Assert.Contains(snapshot.Status.Routers, r => r.Name == "other@file");
        var after = await StatusAsync(portico);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], before);
        Assert.Equal(HttpStatusCode.TooManyRequests, after);
    }

    private static async Task<HttpStatusCode> StatusAsync(PorticoHost portico)
    {
        using var response = await portico.Client.GetAsync(portico.Url()).WaitAsync(PorticoHost.Timeout);
        return response.StatusCode;
    }

    [Fact]
    public async Task TwoInstancesShareOneLimitThroughRedisAsync()
    {
        await using var redis = await RedisServer.StartAsync();
        var time = new FakeTimeProvider();
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync("ok"));
        var dynamic = Dynamic(backend, "average: 10", "burst: 4", $"redis: {{ endpoints: [\"{redis.Endpoint}\"] }}");
        await using var first = await PorticoHost.StartAsync(Static, dynamic, time: time);
        await using var second = await PorticoHost.StartAsync(Static, dynamic, time: time);

        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await SendAsync(i % 2 == 0 ? first : second));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await SendAsync(i % 2 == 0 ? second : first));
        }

        Assert.Equal([200, 200, 200, 200, 429, 429, 200, 200, 200, 200, 429, 429], statuses);
        Assert.Equal(8, backend.Requests);
    }

    [Fact]
    public async Task ConcurrentLoadOnTwoInstancesStaysAtTheRateAsync()
    {
        // The real clock, 100/s for about 1.5 s. The burst of 50 absorbs scheduling pauses of this shared machine (a
        // token not taken while the bucket is full is lost, which would read as a limiter that grants too little), and
        // the bucket is drained first, so every token granted in the window is one refilled in it.
        const double Rate = 100;
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync("ok"));
        var dynamic = Dynamic(backend, "average: 100", "burst: 50", $"redis: {{ endpoints: [\"{redis.Endpoint}\"] }}");
        await using var first = await PorticoHost.StartAsync(Static, dynamic);
        await using var second = await PorticoHost.StartAsync(Static, dynamic);
        for (var i = 0; i < 500 && await SendAsync(i % 2 == 0 ? first : second) == 200; i++)
        {
        }

        var accepted = 0;
        var attempts = 0;
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, 4).Select(async client =>
        {
            var host = client % 2 == 0 ? first : second;
            for (var i = 0; i < 20_000 && clock.Elapsed < TimeSpan.FromSeconds(1.5); i++)
            {
                Interlocked.Increment(ref attempts);
                if (await SendAsync(host) == 200)
                {
                    Interlocked.Increment(ref accepted);
                }
            }
        });
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));
        var expected = Rate * clock.Elapsed.TotalSeconds;

        Assert.True(attempts > accepted * 2, $"the clients did not saturate the limit: {attempts} attempts, {accepted} accepted");
        // The limit must hold: never more than a few percent above the rate. The lower side is loose on purpose: when the
        // whole suite runs, the clients can stall for longer than the burst covers (half a second), and tokens refilled
        // while the bucket is full are lost; on a quiet machine this test sees at least 99% of the rate. The exact token
        // accounting is checked on a fake clock by TwoInstancesShareOneLimitThroughRedisAsync.
        Assert.True(accepted <= expected * 1.03 && accepted >= expected * 0.4, $"{accepted} accepted in {clock.Elapsed.TotalSeconds:0.000} s ({attempts} attempts); expected {expected:0} at {Rate}/s");
    }

    private static async Task<int> SendAsync(PorticoHost host)
    {
        using var response = await host.Client.GetAsync(host.Url()).WaitAsync(PorticoHost.Timeout);
        return (int)response.StatusCode;
    }

    private static string Dynamic(Backend backend, params string[] options) => $"""
        http:
          routers:
            limited: {"{"} rule: "PathPrefix(`/`)", service: backend, middlewares: [limit] {"}"}
          middlewares:
            limit:
              rateLimit:
                {string.Join("\n        ", options)}
          services:
            backend:
              loadBalancer:
                servers:
                  - url: "{backend.Url}"
        """;
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Cli;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.RateLimit;

/// <summary>The Redis-backed limit is shared by separate Portico processes (replicas), not only by routers of one process.</summary>
public sealed class RateLimitProcessTests
{
    [Fact]
    public async Task TwoPorticoProcessesShareOneRedisLimitAsync()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync("ok"));

        // One token a minute after a burst of 3: within the test no token comes back, so exactly 3 requests pass in
        // total, whichever replica they reach.
        var dynamic = $$"""
            http:
              routers:
                limited: { rule: "PathPrefix(`/`)", service: backend, middlewares: [limit] }
              middlewares:
                limit:
                  rateLimit:
                    average: 1
                    period: 1m
                    burst: 3
                    redis:
                      endpoints: ["{{redis.Endpoint}}"]
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """;
        const string Static = """
            entryPoints:
              web:
                address: "127.0.0.1:0"
            log:
              level: INFO
            providers:
              providersThrottleDuration: 0s
              file:
                directory: "{dynamic}"
            """;
        using var firstConfig = new ConfigDirectory(Static, ("dynamic.yml", dynamic));
        using var secondConfig = new ConfigDirectory(Static, ("dynamic.yml", dynamic));
        using var first = PorticoProcess.Start("--configFile", firstConfig.StaticFile);
        using var second = PorticoProcess.Start("--configFile", secondConfig.StaticFile);
        var firstUrl = await ReadyAsync(first);
        var secondUrl = await ReadyAsync(second);
        using var client = new HttpClient { Timeout = PorticoHost.Timeout };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.GetAsync(i % 2 == 0 ? firstUrl : secondUrl);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            statuses);
        Assert.Equal(3, backend.Requests);
    }

    private static async Task<Uri> ReadyAsync(PorticoProcess process)
    {
        var line = await process.WaitForLineAsync(l => l.TrimStart().StartsWith("entry point web", StringComparison.Ordinal));
        var endPoint = IPEndPoint.Parse(line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]);
        await process.WaitForLineAsync(l => l.Contains("applied: 1 routers", StringComparison.Ordinal));
        return new Uri($"http://127.0.0.1:{endPoint.Port}/");
    }
}

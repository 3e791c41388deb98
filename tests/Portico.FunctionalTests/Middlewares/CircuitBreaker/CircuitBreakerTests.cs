using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.CircuitBreaker;

/// <summary>The circuit breaker in front of a real failing Kestrel backend, on a manual clock: open, recovering, closed.</summary>
public sealed class CircuitBreakerTests
{
    private const string Static = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """;

    [Fact]
    public async Task OpensOnFailuresAndClosesAfterFallbackAndRecoveryAsync()
    {
        var time = new FakeTimeProvider();
        var failing = true;
        await using var backend = await Backend.StartAsync(context =>
        {
            context.Response.StatusCode = Volatile.Read(ref failing) ? 500 : 200;
            return context.Response.WriteAsync("backend");
        });
        await using var portico = await PorticoHost.StartAsync(Static, $"""
            http:
              routers:
                guarded:
                  rule: "Host(`guarded.test`)"
                  service: backend
                  middlewares: [breaker]
                other:
                  rule: "Host(`other.test`)"
                  service: backend
                  middlewares: [breaker]
              middlewares:
                breaker:
                  circuitBreaker:
                    expression: "ResponseCodeRatio(500, 600, 0, 600) > 0.25"
                    fallbackDuration: 5s
                    recoveryDuration: 10s
                    responseCode: 529
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """, time: time);

        // The first answer is a 500: the check at that answer trips this router's breaker (not the other router's).
        Assert.Equal((500, "backend"), await GetAsync(portico, "guarded.test"));
        Assert.Equal((529, string.Empty), await GetAsync(portico, "guarded.test")); // 529 has no reason phrase: empty body, as Go
        Assert.Equal(1, backend.Requests);
        Assert.Equal((500, "backend"), await GetAsync(portico, "other.test"));
        Assert.Equal(2, backend.Requests);

        // Open for the fallback duration even though the backend is fine again.
        Volatile.Write(ref failing, false);
        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(529, (await GetAsync(portico, "guarded.test")).Status);
        Assert.Equal(2, backend.Requests);

        // Recovering: the ramp starts with this request (nothing passes yet), and half way through a share passes.
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(529, (await GetAsync(portico, "guarded.test")).Status);
        time.Advance(TimeSpan.FromSeconds(5));
        var passed = 0;
        for (var i = 0; i < 20; i++)
        {
            passed += (await GetAsync(portico, "guarded.test")).Status == 200 ? 1 : 0;
        }

        Assert.InRange(passed, 4, 6);

        // After the recovery duration the breaker is closed: every request reaches the backend.
        time.Advance(TimeSpan.FromSeconds(5) + TimeSpan.FromMilliseconds(1));
        var before = backend.Requests;
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal((200, "backend"), await GetAsync(portico, "guarded.test"));
        }

        Assert.Equal(before + 5, backend.Requests);
    }

    private static async Task<(int Status, string Body)> GetAsync(PorticoHost portico, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, portico.Url());
        request.Headers.Host = host;
        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, body);
    }
}

using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>Active and passive health checks against real backends that die and come back.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task KilledServerLeavesRotationAndReturnsWhenRestartedOnItsPortAsync()
    {
        await using var a = await Backend.NamedAsync("a");
        var b = await Backend.NamedAsync("b");
        var bUrl = b.Url;
        await using var portico = await PorticoHost.StartAsync("""
            api:
              insecure: true
            entryPoints:
              web:
                address: "127.0.0.1:0"
              traefik:
                address: "127.0.0.1:0"
            """, $"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: pool
              services:
                pool:
                  loadBalancer:
                    healthCheck:
                      path: /health
                      interval: 100ms
                      timeout: 500ms
                    servers:
                      - url: "{a.Url}"
                      - url: "{bUrl}"
            """);

        Assert.Equal(["a", "b"], (await NamesAsync(portico, 4)).Distinct().Order());

        await ServerHealth.WaitViaApiAsync(portico, "pool@file", bUrl, "UP");
        await b.DisposeAsync();
        await ServerHealth.WaitViaApiAsync(portico, "pool@file", bUrl, "DOWN");
        Assert.All(await NamesAsync(portico, 6), name => Assert.Equal("a", name));

        await using var restarted = await Backend.NamedAsync("b-again", bUrl.Port);
        await ServerHealth.WaitViaApiAsync(portico, "pool@file", bUrl, "UP");
        Assert.Contains("b-again", await NamesAsync(portico, 4));
    }

    [Fact]
    public async Task PassiveCheckEjectsAServerThatRefusesConnectionsAsync()
    {
        await using var a = await Backend.NamedAsync("a");
        var dead = new Uri($"http://127.0.0.1:{FreePort.Get()}");
        await using var portico = await PorticoHost.StartAsync(LoadBalancingTests.Static, $"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: pool
              services:
                pool:
                  loadBalancer:
                    passiveHealthCheck:
                      maxFailedAttempts: 1
                      failureWindow: 30s
                    servers:
                      - url: "{dead}"
                      - url: "{a.Url}"
            """);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            statuses.Add((await portico.GetAsync("x.test", "/")).Status);
        }

        // Only the one request that discovered the dead server fails; the server is then out for the failure window.
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.BadGateway));
        Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.False(ServerHealth.IsHealthy(portico, "pool@file", dead));
    }

    internal static async Task<List<string>> NamesAsync(PorticoHost portico, int requests)
    {
        var names = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            var (status, body) = await portico.GetAsync("x.test", "/");
            Assert.Equal(HttpStatusCode.OK, status);
            names.Add(body);
        }

        return names;
    }
}

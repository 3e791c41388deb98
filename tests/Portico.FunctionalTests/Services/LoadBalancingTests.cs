using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>Each load-balancing strategy's distribution through the real proxy and real backends.</summary>
public sealed class LoadBalancingTests
{
    [Fact]
    public async Task WrrHonoursWeightsExactlyAsync()
    {
        await using var a = await Backend.NamedAsync("a");
        await using var b = await Backend.NamedAsync("b");
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic("wrr", $"""
                      - url: "{a.Url}"
                        weight: 3
                      - url: "{b.Url}"
                        weight: 1
            """));

        var counts = await CountAsync(portico.Client, portico, 8);
        Assert.Equal(6, counts.GetValueOrDefault("a"));
        Assert.Equal(2, counts.GetValueOrDefault("b"));
    }

    [Theory]
    [InlineData("p2c")]
    [InlineData("leasttime")]
    [InlineData("hrw")]
    public async Task EveryStrategyUsesEveryServerAsync(string strategy)
    {
        await using var a = await Backend.NamedAsync("a");
        await using var b = await Backend.NamedAsync("b");
        await using var c = await Backend.NamedAsync("c");
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic(strategy, $"""
                      - url: "{a.Url}"
                      - url: "{b.Url}"
                      - url: "{c.Url}"
            """));

        var counts = new Dictionary<string, int>();
        if (strategy == "hrw")
        {
            // hrw hashes the client IP: many clients spread over every server, and each client always gets the same one.
            for (var i = 2; i < 42; i++)
            {
                using var client = SourceAddressClient.Create(IPAddress.Parse($"127.0.0.{i}"));
                var perClient = await CountAsync(client, portico, 3);
                Assert.Single(perClient);
                var (name, count) = perClient.Single();
                counts[name] = counts.GetValueOrDefault(name) + count;
            }
        }
        else
        {
            counts = await CountAsync(portico.Client, portico, 60);
        }

        Assert.Equal(["a", "b", "c"], counts.Keys.Order());
    }

    [Fact]
    public async Task LeastTimeAvoidsTheSlowServerAsync()
    {
        await using var fast1 = await Backend.NamedAsync("fast1");
        await using var fast2 = await Backend.NamedAsync("fast2");

        // The slow backend is slow by design (its latency is the thing measured), not waiting for any state.
        await using var slow = await Backend.StartAsync(async context =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            await context.Response.WriteAsync("slow");
        });
        await using var portico = await PorticoHost.StartAsync(Static, Dynamic("leasttime", $"""
                      - url: "{slow.Url}"
                      - url: "{fast1.Url}"
                      - url: "{fast2.Url}"
            """));

        var counts = await CountAsync(portico.Client, portico, 30);
        Assert.True(counts.GetValueOrDefault("slow") <= 2, $"slow got {counts.GetValueOrDefault("slow")} of 30");
        // Which fast server wins depends on their first measured times (a cold connection costs more); together they take the rest.
        Assert.True(counts.GetValueOrDefault("fast1") + counts.GetValueOrDefault("fast2") >= 28, string.Join(", ", counts));
    }

    internal const string Static = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """;

    private static string Dynamic(string strategy, string servers) => $"""
        http:
          routers:
            app:
              rule: "PathPrefix(`/`)"
              service: pool
          services:
            pool:
              loadBalancer:
                strategy: {strategy}
                servers:
        {servers}
        """;

    private static async Task<Dictionary<string, int>> CountAsync(HttpClient client, PorticoHost portico, int requests)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < requests; i++)
        {
            using var response = await client.GetAsync(portico.Url()).WaitAsync(PorticoHost.Timeout);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var name = await response.Content.ReadAsStringAsync();
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }

        return counts;
    }
}

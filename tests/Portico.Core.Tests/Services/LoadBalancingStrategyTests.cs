using System.Net;
using Portico.Configuration.Dynamic;
using Portico.Services;
using static Portico.Tests.Services.ServiceTestHelpers;

namespace Portico.Tests.Services;

public sealed class LoadBalancingStrategyTests
{
    private static (IHttpService Service, RecordingForwarder Forwarder, LoadBalancerService Lb) Build(LoadBalancerConfig config, TimeProvider? time = null, Random? random = null)
    {
        var forwarder = new RecordingForwarder();
        var result = Builder(forwarder, time ?? new FakeTimeProvider(), random).Build(new Dictionary<string, ServiceConfig> { ["s@file"] = Lb(config) }, null);
        Assert.Empty(result.Errors);
        var service = result.Services["s@file"];
        return (service, forwarder, (LoadBalancerService)service);
    }

    [Theory]
    [InlineData("nginx 5,1,1", new[] { 5, 1, 1 }, "a a b a c a a a a b a c a a")]
    [InlineData("equal weights rotate", new[] { 1, 1, 1 }, "a b c a b c")]
    [InlineData("3 to 1", new[] { 3, 1 }, "a a b a a a b a")]
    public async Task Wrr_follows_the_smooth_weighted_sequence(string scenario, int[] weights, string expected)
    {
        _ = scenario;
        var names = new[] { "a", "b", "c" };
        var servers = weights.Select((w, i) => ($"http://{names[i]}:80", w)).ToArray();
        var (service, forwarder, _) = Build(new LoadBalancerConfig { Servers = Servers(servers) });

        var picks = await SendAsync(service, forwarder, expected.Split(' ').Length);

        Assert.Equal(expected, string.Join(' ', picks.Select(p => p.Split(':')[0])));
    }

    [Theory]
    [InlineData("wrr")]
    [InlineData("p2c")]
    [InlineData("hrw")]
    [InlineData("leasttime")]
    public async Task Every_strategy_skips_unhealthy_servers_and_answers_503_when_none_is_left(string strategy)
    {
        var (service, forwarder, lb) = Build(new LoadBalancerConfig { Strategy = strategy, Servers = Servers(("http://a:80", 1), ("http://b:80", 1)) }, random: new Random(1));
        lb.Servers[0].SetActiveHealthy(false, 0);

        var picks = await SendAsync(service, forwarder, 20);
        Assert.All(picks, p => Assert.Equal("b", p.Split(':')[0]));

        lb.Servers[1].SetActiveHealthy(false, 0);
        var context = Context();
        await service.HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("no available server\n", ResponseBody(context));
        Assert.False(service.IsHealthy);
    }

    [Fact]
    public async Task Wrr_distribution_follows_weights()
    {
        var (service, forwarder, _) = Build(new LoadBalancerConfig { Servers = Servers(("http://a:80", 3), ("http://b:80", 1)) });
        var picks = await SendAsync(service, forwarder, 400);
        Assert.Equal(300, picks.Count(p => p.StartsWith("a", StringComparison.Ordinal)));
    }

    [Fact]
    public void P2c_prefers_the_server_with_fewer_requests_in_flight()
    {
        var (_, _, lb) = Build(new LoadBalancerConfig { Strategy = "p2c", Servers = Servers(("http://a:80", 1), ("http://b:80", 1)) }, random: new Random(42));
        for (var i = 0; i < 5; i++)
        {
            lb.Servers[0].IncrementInFlight();
        }

        // With two servers both are always drawn, so the idle one always wins.
        for (var i = 0; i < 50; i++)
        {
            Assert.Same(lb.Servers[1], lb.State.Strategy.Pick(Context(), lb.Servers.ToArray()));
        }
    }

    [Fact]
    public async Task P2c_spreads_idle_traffic_over_all_servers()
    {
        var (service, forwarder, _) = Build(new LoadBalancerConfig { Strategy = "p2c", Servers = Servers(("http://a:80", 1), ("http://b:80", 1), ("http://c:80", 1)) }, random: new Random(7));
        var picks = await SendAsync(service, forwarder, 300);
        foreach (var name in new[] { "a", "b", "c" })
        {
            Assert.InRange(picks.Count(p => p.StartsWith(name, StringComparison.Ordinal)), 30, 200);
        }
    }

    [Fact]
    public void Hrw_is_stable_per_client_and_follows_weights()
    {
        var (_, _, lb) = Build(new LoadBalancerConfig { Strategy = "hrw", Servers = Servers(("http://a:80", 3), ("http://b:80", 1)) });
        var servers = lb.Servers.ToArray();
        var random = new Random(3);
        var counts = new int[2];
        for (var i = 0; i < 2000; i++)
        {
            var ip = new IPAddress(random.Next()).ToString();
            var first = lb.State.Strategy.Pick(Context(ip: ip), servers)!;
            Assert.Same(first, lb.State.Strategy.Pick(Context(ip: ip), servers));
            counts[first.Index]++;
        }

        // Weight 3 vs 1 gives the first server 75% of the clients.
        Assert.InRange(counts[0] / 2000.0, 0.70, 0.80);
    }

    [Fact]
    public void Hrw_moves_only_the_clients_of_a_server_that_went_down()
    {
        var (_, _, lb) = Build(new LoadBalancerConfig { Strategy = "hrw", Servers = Servers(("http://a:80", 1), ("http://b:80", 1), ("http://c:80", 1)) });
        var servers = lb.Servers.ToArray();
        var ips = Enumerable.Range(1, 300).Select(i => $"10.1.{i / 250}.{i % 250}").ToList();
        var before = ips.ToDictionary(ip => ip, ip => lb.State.Strategy.Pick(Context(ip: ip), servers)!);

        servers[2].SetActiveHealthy(false, 0);

        foreach (var ip in ips)
        {
            var now = lb.State.Strategy.Pick(Context(ip: ip), servers)!;
            if (before[ip] != servers[2])
            {
                Assert.Same(before[ip], now);
            }
        }
    }

    [Fact]
    public void Leasttime_prefers_the_fastest_server_and_round_robins_ties()
    {
        var (_, _, lb) = Build(new LoadBalancerConfig { Strategy = "leasttime", Servers = Servers(("http://a:80", 1), ("http://b:80", 1), ("http://c:80", 1)) });
        var servers = lb.Servers.ToArray();
        var strategy = lb.State.Strategy;

        // No measurement yet: every score is 0, ties rotate.
        Assert.Equal([0, 1, 2], Enumerable.Range(0, 3).Select(_ => strategy.Pick(Context(), servers)!.Index));

        servers[0].RecordResponseTime(100);
        servers[1].RecordResponseTime(10);
        servers[2].RecordResponseTime(50);
        Assert.Equal(1, strategy.Pick(Context(), servers)!.Index);

        // In-flight requests multiply the latency: 10 × (9 + 1) = 100 > 50 × 1.
        for (var i = 0; i < 9; i++)
        {
            servers[1].IncrementInFlight();
        }

        Assert.Equal(2, strategy.Pick(Context(), servers)!.Index);
    }

    [Fact]
    public void Slow_start_ramps_a_recovered_server_from_10_to_100_percent()
    {
        var time = new FakeTimeProvider();
        var (_, _, lb) = Build(new LoadBalancerConfig { SlowStart = TimeSpan.FromSeconds(100), Servers = Servers(("http://a:80", 1), ("http://b:80", 1)) }, time);
        var servers = lb.Servers.ToArray();
        servers[1].SetActiveHealthy(false, time.GetTimestamp());
        servers[1].SetActiveHealthy(true, time.GetTimestamp());

        Assert.InRange(ShareOfB(), 0.08, 0.11);
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.InRange(ShareOfB(), 0.33, 0.38);
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.InRange(ShareOfB(), 0.49, 0.51);

        double ShareOfB()
        {
            var picks = Enumerable.Range(0, 1000).Count(_ => lb.State.Strategy.Pick(Context(), servers)!.Index == 1);
            return picks / 1000.0;
        }
    }
}

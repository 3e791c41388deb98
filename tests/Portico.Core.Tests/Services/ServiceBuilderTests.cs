using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Services;
using static Portico.Tests.Services.ServiceTestHelpers;

namespace Portico.Tests.Services;

public sealed class ServiceBuilderTests
{
    private static readonly ConfigNode EmptyHealthCheck = ConfigNode.Mapping([], SourceLocation.None);

    public static TheoryData<string, Dictionary<string, ServiceConfig>, string, string> InvalidConfigs => new()
    {
        { "no type", new() { ["s@file"] = new ServiceConfig() }, "s@file", "has no type" },
        { "two types", new() { ["s@file"] = new ServiceConfig { LoadBalancer = new(), Failover = new() } }, "s@file", "more than one type" },
        { "relative URL", new() { ["s@file"] = Lb("/relative") }, "s@file", "not an absolute" },
        { "ftp URL", new() { ["s@file"] = Lb("ftp://host/") }, "s@file", "not an absolute" },
        { "negative weight", new() { ["s@file"] = Lb(new LoadBalancerConfig { Servers = Servers(("http://a", -1)) }) }, "s@file", "negative" },
        { "unknown strategy", new() { ["s@file"] = Lb(new LoadBalancerConfig { Strategy = "random", Servers = Servers(("http://a", 1)) }) }, "s@file", "unknown load-balancing strategy" },
        { "hrw service", new() { ["s@file"] = new ServiceConfig { HighestRandomWeight = EmptyHealthCheck } }, "s@file", "not supported" },
        {
            "missing child", new() { ["w@file"] = new ServiceConfig { Weighted = new WeightedConfig { Services = [new() { Name = "ghost" }] } } },
            "w@file", "\"ghost@file\" does not exist"
        },
        {
            "bad status range", new()
            {
                ["f@file"] = new ServiceConfig { Failover = new FailoverConfig { Service = "a", Fallback = "a", Errors = new() { Status = ["5xx"] } } },
                ["a@file"] = Lb("http://a"),
            },
            "f@file", "invalid status code range"
        },
        {
            "health check parent over a child without one", new()
            {
                ["w@file"] = new ServiceConfig { Weighted = new WeightedConfig { HealthCheck = EmptyHealthCheck, Services = [new() { Name = "a" }] } },
                ["a@file"] = Lb("http://a"),
            },
            "w@file", "no health check to follow"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Invalid_services_are_reported_and_left_out_while_the_rest_builds(string scenario, Dictionary<string, ServiceConfig> configs, string failing, string message)
    {
        _ = scenario;
        configs["ok@file"] = Lb("http://ok:8080");
        using var result = Builder(new RecordingForwarder(), new FakeTimeProvider()).Build(configs, null);
        var error = Assert.Single(result.Errors, e => e.ServiceName == failing);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.False(result.Services.ContainsKey(failing));
        Assert.True(result.Services.ContainsKey("ok@file"));
    }

    [Fact]
    public void Cycles_are_reported_for_every_service_on_them()
    {
        var configs = new Dictionary<string, ServiceConfig>
        {
            ["a@file"] = new ServiceConfig { Failover = new FailoverConfig { Service = "b", Fallback = "leaf" } },
            ["b@file"] = new ServiceConfig { Weighted = new WeightedConfig { Services = [new() { Name = "a" }] } },
            ["top@file"] = new ServiceConfig { Mirroring = new MirroringConfig { Service = "a" } },
            ["leaf@file"] = Lb("http://leaf:8080"),
        };
        using var result = Builder(new RecordingForwarder(), new FakeTimeProvider()).Build(configs, null);
        Assert.Equal(["a@file", "b@file", "top@file"], result.Errors.Select(e => e.ServiceName).Order());
        Assert.Contains("circular reference", result.Errors.First(e => e.ServiceName == "a@file").Message, StringComparison.Ordinal);
        Assert.Equal(["leaf@file"], result.Services.Keys);
    }

    [Theory]
    [InlineData("plain name stays in the provider", "child", "parent@docker", "child@docker")]
    [InlineData("explicit provider", "child@file", "parent@docker", "child@file")]
    [InlineData("unqualified parent", "child", "parent", "child")]
    public void References_are_qualified_with_the_parents_provider(string scenario, string reference, string parent, string expected)
    {
        _ = scenario;
        Assert.Equal(expected, ServiceBuilder.Qualify(reference, parent));
    }

    [Fact]
    public async Task Unchanged_load_balancers_keep_their_state_and_changed_or_removed_ones_are_stopped()
    {
        var time = new FakeTimeProvider();
        var forwarder = new RecordingForwarder();
        var builder = Builder(forwarder, time);
        var health = new HealthCheckConfig { Path = "/health", Headers = new Dictionary<string, string> { ["X"] = "1" } };
        ServiceConfig Checked(string url) => Lb(new LoadBalancerConfig { Servers = Servers((url, 1), ("http://z:8080", 1)), HealthCheck = health with { Headers = new Dictionary<string, string> { ["X"] = "1" } } });

        var first = builder.Build(new Dictionary<string, ServiceConfig>
        {
            ["same@file"] = Checked("http://a:8080"),
            ["changed@file"] = Checked("http://b:8080"),
            ["removed@file"] = Checked("http://c:8080"),
        }, null);
        Assert.Equal(6, time.ActiveTimers);
        var sameBefore = (LoadBalancerService)first.Services["same@file"];
        sameBefore.Servers[0].SetActiveHealthy(false, 0);
        Assert.Equal(["z:8080"], await SendAsync(sameBefore, forwarder, 1));

        await using var second = builder.Build(new Dictionary<string, ServiceConfig>
        {
            ["same@file"] = Checked("http://a:8080"),
            ["changed@file"] = Checked("http://b2:8080"),
        }, first);

        var sameAfter = (LoadBalancerService)second.Services["same@file"];
        Assert.NotSame(sameBefore, sameAfter);
        Assert.Same(sameBefore.State, sameAfter.State);
        Assert.False(sameAfter.Servers[0].IsHealthy);
        Assert.NotSame(((LoadBalancerService)first.Services["changed@file"]).State, ((LoadBalancerService)second.Services["changed@file"]).State);

        // The removed and the changed load balancers' timers are gone; two services with two servers remain.
        Assert.Equal(4, time.ActiveTimers);

        // Disposing the old build does not stop the state that moved on.
        await first.DisposeAsync();
        Assert.Equal(4, time.ActiveTimers);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Forwarding;
using Portico.Services;
using Portico.Services.Composite;
using static Portico.Tests.Services.ServiceTestHelpers;

namespace Portico.Tests.Services;

public sealed class CompositeServiceTests
{
    private static readonly ConfigNode EmptyHealthCheck = ConfigNode.Mapping([], SourceLocation.None);

    private static (ServiceBuildResult Result, RecordingForwarder Forwarder) Build(Dictionary<string, ServiceConfig> configs)
    {
        var forwarder = new RecordingForwarder();
        var result = Builder(forwarder, new FakeTimeProvider()).Build(configs, null);
        Assert.Empty(result.Errors);
        return (result, forwarder);
    }

    private static ServiceConfig HealthChecked(string url) => Lb(new LoadBalancerConfig
    {
        Servers = [new ServerConfig { Url = url }],
        PassiveHealthCheck = new PassiveHealthCheckConfig { MaxFailedAttempts = 1 },
    });

    [Fact]
    public async Task Weighted_splits_by_weight_and_skips_down_children_when_health_checked()
    {
        var (result, forwarder) = Build(new()
        {
            ["app@file"] = new ServiceConfig { Weighted = new WeightedConfig { HealthCheck = EmptyHealthCheck, Services = [new() { Name = "v1", Weight = 3 }, new() { Name = "v2", Weight = 1 }] } },
            ["v1@file"] = HealthChecked("http://v1:8080"),
            ["v2@file"] = HealthChecked("http://v2:8080"),
        });
        var app = result.Services["app@file"];
        var picks = await SendAsync(app, forwarder, 8);
        Assert.Equal(6, picks.Count(p => p == "v1:8080"));

        var changes = new List<bool>();
        ((IHealthReportingService)app).HealthChanged += (_, healthy) => changes.Add(healthy);
        var v1 = (LoadBalancerService)result.Services["v1@file"];
        v1.Servers[0].SetActiveHealthy(false, 0);
        Assert.All(await SendAsync(app, forwarder, 4), p => Assert.Equal("v2:8080", p));

        ((LoadBalancerService)result.Services["v2@file"]).Servers[0].SetActiveHealthy(false, 0);
        Assert.False(app.IsHealthy);
        Assert.Equal([false], changes);
        var context = Context();
        await app.HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(503, context.Response.StatusCode);
    }

    [Fact]
    public async Task Weighted_sticky_cookie_names_the_child()
    {
        var (result, _) = Build(new()
        {
            ["app@file"] = new ServiceConfig
            {
                Weighted = new WeightedConfig
                {
                    Services = [new() { Name = "v1" }, new() { Name = "v2" }],
                    Sticky = new StickyConfig { Cookie = new StickyCookieConfig { Name = "lvl1" } },
                },
            },
            ["v1@file"] = Lb("http://v1:8080"),
            ["v2@file"] = Lb("http://v2:8080"),
        });
        var app = result.Services["app@file"];
        var first = Context();
        await app.HandleAsync(first).WaitAsync(TimeSpan.FromSeconds(10));
        var cookie = SetCookieHeaderValue.Parse(first.Response.Headers.SetCookie.ToString());
        Assert.Equal(Portico.Services.Sticky.StickyCookie.HashValue("v1"), cookie.Value.Value);

        for (var i = 0; i < 3; i++)
        {
            var again = Context(cookie: $"lvl1={cookie.Value}");
            await app.HandleAsync(again).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("v1:8080", ResponseBody(again));
        }
    }

    [Fact]
    public async Task Mirroring_copies_the_body_and_never_waits_for_a_slow_mirror()
    {
        var (result, forwarder) = Build(new()
        {
            ["m@file"] = new ServiceConfig { Mirroring = new MirroringConfig { Service = "main", Mirrors = [new() { Name = "shadow", Percent = 50 }] } },
            ["main@file"] = Lb("http://main:8080"),
            ["shadow@file"] = Lb("http://shadow:8080"),
        });
        var release = new TaskCompletionSource();
        var mirrored = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        forwarder.Rules["shadow:8080"] = async ctx =>
        {
            mirrored.TrySetResult(ctx.Request.Headers["X-Test"].ToString());
            await release.Task;
            ctx.Response.StatusCode = 500;
            return ProxyError.Connect;
        };
        var service = (MirroringService)result.Services["m@file"];

        // Percent 50 by counting: requests 1 and 3 are mirrored, 2 and 4 are not.
        for (var i = 1; i <= 4; i++)
        {
            var context = Context(body: "payload " + i);
            context.Request.Headers["X-Test"] = "r" + i;
            await service.HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(200, context.Response.StatusCode);
            Assert.Equal("main:8080", ResponseBody(context));
            if (i == 1)
            {
                Assert.Equal("r1", await mirrored.Task.WaitAsync(TimeSpan.FromSeconds(10)));
            }
        }

        release.SetResult();
        var calls = forwarder.Calls.ToList();
        Assert.Equal(4, calls.Count(c => c.Destination.Host == "main"));
        Assert.All(calls.Where(c => c.Destination.Host == "main"), c => Assert.StartsWith("payload", c.Body, StringComparison.Ordinal));
        var shadowBodies = calls.Where(c => c.Destination.Host == "shadow").Select(c => c.Body).ToList();
        Assert.Contains("payload 1", shadowBodies);
        Assert.DoesNotContain("payload 2", shadowBodies);
    }

    [Theory]
    [InlineData("body within the limit is mirrored", true, 100, "0123456789", true, "0123456789")]
    [InlineData("body over the limit is not mirrored", true, 4, "0123456789", false, "")]
    [InlineData("mirrorBody false sends no body", false, -1, "0123456789", true, "")]
    public async Task Mirroring_body_rules(string scenario, bool mirrorBody, long maxBodySize, string body, bool mirrored, string mirrorBodyText)
    {
        _ = scenario;
        var (result, forwarder) = Build(new()
        {
            ["m@file"] = new ServiceConfig { Mirroring = new MirroringConfig { Service = "main", MirrorBody = mirrorBody, MaxBodySize = maxBodySize, Mirrors = [new() { Name = "shadow", Percent = 100 }] } },
            ["main@file"] = Lb("http://main:8080"),
            ["shadow@file"] = Lb("http://shadow:8080"),
        });
        var service = (MirroringService)result.Services["m@file"];
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        service.MirrorCompleted += _ => done.TrySetResult();

        var context = Context(body: body);
        await service.HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
        if (mirrored)
        {
            await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        // The main service always receives the whole body.
        Assert.Equal(body, forwarder.Calls.Single(c => c.Destination.Host == "main").Body);
        var shadow = forwarder.Calls.Where(c => c.Destination.Host == "shadow").ToList();
        Assert.Equal(mirrored ? 1 : 0, shadow.Count);
        if (mirrored)
        {
            Assert.Equal(mirrorBodyText, shadow[0].Body);
        }
    }

    [Fact]
    public async Task Failover_uses_the_fallback_while_the_main_is_down()
    {
        var (result, forwarder) = Build(new()
        {
            ["f@file"] = new ServiceConfig { Failover = new FailoverConfig { Service = "main", Fallback = "backup" } },
            ["main@file"] = HealthChecked("http://main:8080"),
            ["backup@file"] = HealthChecked("http://backup:8080"),
        });
        var failover = result.Services["f@file"];
        var main = (LoadBalancerService)result.Services["main@file"];
        Assert.Equal(["main:8080"], await SendAsync(failover, forwarder, 1));

        main.Servers[0].SetActiveHealthy(false, 0);
        Assert.Equal(["backup:8080"], await SendAsync(failover, forwarder, 1));

        ((LoadBalancerService)result.Services["backup@file"]).Servers[0].SetActiveHealthy(false, 0);
        Assert.False(failover.IsHealthy);
        var context = Context();
        await failover.HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(503, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("status in range goes to the fallback", 503, "backup:8080", 200)]
    [InlineData("status outside the range is kept", 404, "status 404", 404)]
    [InlineData("proxy error maps to 502 and fails over", -1, "backup:8080", 200)]
    public async Task Failover_on_status_replays_the_request(string scenario, int mainStatus, string expectedBody, int expectedStatus)
    {
        _ = scenario;
        var (result, forwarder) = Build(new()
        {
            ["f@file"] = new ServiceConfig { Failover = new FailoverConfig { Service = "main", Fallback = "backup", Errors = new FailoverErrorsConfig { Status = ["500-504"] } } },
            ["main@file"] = Lb("http://main:8080"),
            ["backup@file"] = Lb("http://backup:8080"),
        });
        forwarder.Rules["main:8080"] = mainStatus < 0 ? RecordingForwarder.Error(ProxyError.Connect) : RecordingForwarder.Status(mainStatus);
        var context = Context(body: "replay me");
        context.Response.Headers["X-From-Main"] = "x";
        await result.Services["f@file"].HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(expectedStatus, context.Response.StatusCode);
        Assert.Equal(expectedBody, ResponseBody(context));
        Assert.All(forwarder.Calls, c => Assert.Equal("replay me", c.Body));
    }

    [Fact]
    public async Task Failover_on_status_rejects_a_body_over_the_limit()
    {
        var (result, forwarder) = Build(new()
        {
            ["f@file"] = new ServiceConfig { Failover = new FailoverConfig { Service = "main", Fallback = "backup", Errors = new FailoverErrorsConfig { Status = ["500"], MaxRequestBodyBytes = 3 } } },
            ["main@file"] = Lb("http://main:8080"),
            ["backup@file"] = Lb("http://backup:8080"),
        });
        var context = Context(body: "too long");
        await result.Services["f@file"].HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, context.Response.StatusCode);
        Assert.Empty(forwarder.Calls);
    }
}

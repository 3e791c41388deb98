using Microsoft.Net.Http.Headers;
using Portico.Configuration.Dynamic;
using Portico.Forwarding;
using Portico.Runtime;
using Portico.Services;
using Portico.Services.Sticky;
using static Portico.Tests.Services.ServiceTestHelpers;

namespace Portico.Tests.Services;

public sealed class LoadBalancerServiceTests
{
    private static (LoadBalancerService Lb, RecordingForwarder Forwarder, FakeTimeProvider Time) Build(LoadBalancerConfig config, string name = "s@file")
    {
        var forwarder = new RecordingForwarder();
        var time = new FakeTimeProvider();
        var result = Builder(forwarder, time).Build(new Dictionary<string, ServiceConfig> { [name] = Lb(config) }, null);
        Assert.Empty(result.Errors);
        return ((LoadBalancerService)result.Services[name], forwarder, time);
    }

    [Theory]
    [InlineData(ProxyError.Connect, 502, "Bad Gateway\n")]
    [InlineData(ProxyError.Timeout, 504, "Gateway Timeout\n")]
    [InlineData(ProxyError.RequestCanceled, 499, "")]
    public async Task Proxy_errors_become_the_response_status(ProxyError error, int status, string body)
    {
        var (lb, forwarder, _) = Build(new LoadBalancerConfig { Servers = Servers(("http://a:8080", 1)) });
        forwarder.Rules["a:8080"] = RecordingForwarder.Error(error);
        var context = Context();
        await lb.HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal(body, ResponseBody(context));
    }

    [Fact]
    public async Task The_request_feature_names_the_service_and_server()
    {
        var (lb, _, _) = Build(new LoadBalancerConfig { Servers = Servers(("http://a:8080/base", 1)) });
        var context = Context();
        var feature = new PorticoRequestFeature { EntryPoint = "web" };
        context.Features.Set(feature);
        await lb.HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("s@file", feature.ServiceName);
        Assert.Equal(new Uri("http://a:8080/base"), feature.ServerUrl);
    }

    [Fact]
    public async Task Passive_health_check_ejects_after_max_failures_and_retries_after_the_window()
    {
        var (lb, forwarder, time) = Build(new LoadBalancerConfig
        {
            Servers = Servers(("http://a:8080", 1), ("http://b:8080", 1)),
            PassiveHealthCheck = new PassiveHealthCheckConfig { FailureWindow = TimeSpan.FromSeconds(10), MaxFailedAttempts = 2 },
        });
        forwarder.Rules["a:8080"] = RecordingForwarder.Status(500);
        var a = lb.Servers[0];

        // Request 1 -> a (500, failure 1), 2 -> b, 3 -> a (failure 2: ejected), then only b.
        var picks = await SendAsync(lb, forwarder, 3);
        Assert.Equal(["a:8080", "b:8080", "a:8080"], picks);
        Assert.False(a.IsHealthy);
        Assert.All(await SendAsync(lb, forwarder, 4), p => Assert.Equal("b:8080", p));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(a.IsHealthy);
    }

    [Theory]
    [InlineData("4xx is a success", 404, false)]
    [InlineData("5xx is a failure", 503, true)]
    public async Task Passive_health_counts_only_server_failures(string scenario, int status, bool ejected)
    {
        _ = scenario;
        var (lb, forwarder, _) = Build(new LoadBalancerConfig
        {
            Servers = Servers(("http://a:8080", 1)),
            PassiveHealthCheck = new PassiveHealthCheckConfig(),
        });
        forwarder.Rules["a:8080"] = RecordingForwarder.Status(status);
        await SendAsync(lb, forwarder, 1);
        Assert.Equal(ejected, !lb.Servers[0].IsHealthy);
    }

    [Fact]
    public async Task Failures_outside_the_window_do_not_add_up()
    {
        var (lb, forwarder, time) = Build(new LoadBalancerConfig
        {
            Servers = Servers(("http://a:8080", 1)),
            PassiveHealthCheck = new PassiveHealthCheckConfig { FailureWindow = TimeSpan.FromSeconds(5), MaxFailedAttempts = 2 },
        });
        forwarder.Rules["a:8080"] = RecordingForwarder.Error(ProxyError.Connect);
        await SendAsync(lb, forwarder, 1);
        time.Advance(TimeSpan.FromSeconds(6));
        await SendAsync(lb, forwarder, 1);
        Assert.True(lb.Servers[0].IsHealthy);
        await SendAsync(lb, forwarder, 1);
        Assert.False(lb.Servers[0].IsHealthy);
    }

    [Fact]
    public async Task Sticky_cookie_is_set_honoured_and_repicked_when_its_server_is_down()
    {
        var (lb, forwarder, _) = Build(new LoadBalancerConfig
        {
            Servers = Servers(("http://a:8080", 1), ("http://b:8080", 1)),
            Sticky = new StickyConfig { Cookie = new StickyCookieConfig { Name = "lb", HttpOnly = true, Secure = true, SameSite = "lax", MaxAge = 60, Domain = "example.com" } },
        });

        var first = Context();
        await lb.HandleAsync(first).WaitAsync(TimeSpan.FromSeconds(10));
        var setCookie = first.Response.Headers.SetCookie.ToString();
        var cookie = SetCookieHeaderValue.Parse(setCookie);
        Assert.Equal("lb", cookie.Name.Value);
        Assert.Equal(StickyCookie.HashValue("http://a:8080"), cookie.Value.Value);
        Assert.Equal(16, cookie.Value.Length);
        Assert.True(cookie.HttpOnly && cookie.Secure);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal(TimeSpan.FromSeconds(60), cookie.MaxAge);
        Assert.Equal("example.com", cookie.Domain.Value);
        Assert.Equal("/", cookie.Path.Value);

        // The cookie keeps the client on a, and no new cookie is written.
        for (var i = 0; i < 3; i++)
        {
            var again = Context(cookie: $"lb={cookie.Value}");
            await lb.HandleAsync(again).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("a:8080", ResponseBody(again));
            Assert.Equal(0, again.Response.Headers.SetCookie.Count);
        }

        // a goes down: the request is re-picked and the cookie now names b.
        lb.Servers[0].SetActiveHealthy(false, 0);
        var moved = Context(cookie: $"lb={cookie.Value}");
        await lb.HandleAsync(moved).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("b:8080", ResponseBody(moved));
        Assert.Equal(StickyCookie.HashValue("http://b:8080"), SetCookieHeaderValue.Parse(moved.Response.Headers.SetCookie.ToString()).Value.Value);
    }

    [Theory]
    [InlineData("raw URL of older versions", "http://b:8080")]
    [InlineData("unknown value", "nonsense")]
    public async Task Sticky_cookie_legacy_and_unknown_values_are_rewritten(string scenario, string value)
    {
        _ = scenario;
        var (lb, _, _) = Build(new LoadBalancerConfig
        {
            Servers = Servers(("http://a:8080", 1), ("http://b:8080", 1)),
            Sticky = new StickyConfig { Cookie = new StickyCookieConfig { Name = "lb" } },
        });
        var context = Context(cookie: "lb=" + value);
        await lb.HandleAsync(context).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, context.Response.Headers.SetCookie.Count);
        if (value.StartsWith("http", StringComparison.Ordinal))
        {
            Assert.Equal("b:8080", ResponseBody(context));
        }
    }

    [Theory]
    [InlineData(null, "whoami@file", "_")]
    [InlineData("my cookie!", "x@file", "my_cookie!")]
    public void Cookie_names_follow_traefik(string? configured, string service, string expectedPrefix)
    {
        var name = StickyCookie.CookieName(configured, service);
        Assert.StartsWith(expectedPrefix, name, StringComparison.Ordinal);
        if (configured is null)
        {
            Assert.Equal(6, name.Length);
            Assert.Matches("^_[0-9a-f]{5}$", name);
        }
    }
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;
using Portico.FunctionalTests.Services;

namespace Portico.FunctionalTests.Reload;

/// <summary>What a reload must not disturb: health verdicts, round-robin position, sticky targets, in-flight requests.</summary>
public sealed class ReloadStateTests
{
    [Fact]
    public async Task HealthRoundRobinAndStickySurviveAnUnrelatedReloadAsync()
    {
        await using var a = await Backend.NamedAsync("a");
        await using var b = await Backend.NamedAsync("b");
        var dead = await Backend.NamedAsync("dead");
        var deadUrl = dead.Url;
        await using var portico = await PorticoHost.StartAsync(Reload.Static, Config(a.Url, b.Url, deadUrl, withOther: false));

        // 1. Health: the killed server is down before the reload.
        await dead.DisposeAsync();
        await ServerHealth.WaitAsync(portico, "checked@file", deadUrl, healthy: false);

        // 2. Round robin: one request moves the position to the second server.
        Assert.Equal("a", (await portico.GetAsync("x.test", "/rr")).Body);

        // 3. Sticky: remember where the cookie points.
        using var first = await portico.SendAsync("x.test", "/sticky");
        var cookie = first.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        var stickyTarget = await first.Content.ReadAsStringAsync();

        await portico.WriteDynamicAsync(Config(a.Url, b.Url, deadUrl, withOther: true));
        Assert.Equal((HttpStatusCode.OK, "a"), await portico.GetAsync("x.test", "/other"));

        Assert.False(ServerHealth.IsHealthy(portico, "checked@file", deadUrl));
        Assert.All(await NamesAsync(portico, "/checked", 4), name => Assert.Equal("a", name));
        Assert.Equal("b", (await portico.GetAsync("x.test", "/rr")).Body);
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), "/sticky"));
            request.Headers.Add("Cookie", cookie);
            using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
            Assert.Equal(stickyTarget, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task InFlightRequestCompletesAfterItsRouterIsRemovedAsync()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await Backend.StartAsync(async context =>
        {
            if (context.Request.Path.StartsWithSegments("/slow", StringComparison.Ordinal))
            {
                arrived.TrySetResult();
                await release.Task.WaitAsync(PorticoHost.Timeout);
            }

            await context.Response.WriteAsync("done " + context.Request.Path);
        });
        await using var portico = await PorticoHost.StartAsync(Reload.Static, Reload.Routers(backend.Url, ("slow", "/slow"), ("fast", "/fast")));

        var inFlight = portico.GetAsync("x.test", "/slow");
        await arrived.Task.WaitAsync(PorticoHost.Timeout);
        await portico.WriteDynamicAsync(Reload.Routers(backend.Url, ("fast", "/fast")));
        Assert.Equal(HttpStatusCode.NotFound, (await portico.GetAsync("x.test", "/slow")).Status);

        release.SetResult();
        Assert.Equal((HttpStatusCode.OK, "done /slow"), await inFlight.WaitAsync(PorticoHost.Timeout));
    }

    private static string Config(Uri a, Uri b, Uri dead, bool withOther) => $"""
        http:
          routers:
            checked:
              rule: "PathPrefix(`/checked`)"
              service: checked
            rr:
              rule: "PathPrefix(`/rr`)"
              service: rr
            sticky:
              rule: "PathPrefix(`/sticky`)"
              service: sticky
        {(withOther ? "    other:\n      rule: \"PathPrefix(`/other`)\"\n      service: single\n" : string.Empty)}
          services:
            checked:
              loadBalancer:
                healthCheck:
                  path: /health
                  interval: 100ms
                  timeout: 500ms
                servers:
                  - url: "{a}"
                  - url: "{dead}"
            rr:
              loadBalancer:
                servers:
                  - url: "{a}"
                  - url: "{b}"
            sticky:
              loadBalancer:
                sticky:
                  cookie:
                    name: s
                servers:
                  - url: "{a}"
                  - url: "{b}"
            single:
              loadBalancer:
                servers:
                  - url: "{a}"
        """;

    private static async Task<List<string>> NamesAsync(PorticoHost portico, string path, int requests)
    {
        var names = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            var (status, body) = await portico.GetAsync("x.test", path);
            Assert.Equal(HttpStatusCode.OK, status);
            names.Add(body);
        }

        return names;
    }
}

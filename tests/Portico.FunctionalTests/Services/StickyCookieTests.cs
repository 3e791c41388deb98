using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>Sticky cookies: attributes, stickiness across requests, and a new pick when the sticky server goes down.</summary>
public sealed class StickyCookieTests
{
    [Fact]
    public async Task CookieKeepsTheClientOnOneServerUntilItGoesDownAsync()
    {
        var a = await Backend.NamedAsync("a");
        var b = await Backend.NamedAsync("b");
        var backends = new Dictionary<string, Backend> { ["a"] = a, ["b"] = b };
        try
        {
            await using var portico = await PorticoHost.StartAsync(LoadBalancingTests.Static, $"""
                http:
                  routers:
                    app:
                      rule: "PathPrefix(`/`)"
                      service: pool
                  services:
                    pool:
                      loadBalancer:
                        sticky:
                          cookie:
                            name: lb
                            secure: true
                            httpOnly: true
                            sameSite: strict
                            maxAge: 60
                        healthCheck:
                          path: /health
                          interval: 100ms
                          timeout: 500ms
                        servers:
                          - url: "{a.Url}"
                          - url: "{b.Url}"
                """);

            // 1. The first answer sets the cookie with every configured attribute.
            var (first, setCookie) = await SendAsync(portico, cookie: null);
            Assert.NotNull(setCookie);
            var attributes = setCookie.Split(';', StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToArray();
            Assert.StartsWith("lb=", setCookie, StringComparison.Ordinal);
            Assert.Contains("path=/", attributes);
            Assert.Contains("max-age=60", attributes);
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=strict", attributes);
            var cookie = setCookie.Split(';')[0];

            // 2. With the cookie, every request goes to the same server and the cookie is not rewritten.
            for (var i = 0; i < 6; i++)
            {
                var (name, again) = await SendAsync(portico, cookie);
                Assert.Equal(first, name);
                Assert.Null(again);
            }

            // 3. The sticky server goes down: the request goes to the other one, which the new cookie names.
            var stickyUrl = backends[first].Url;
            await backends[first].DisposeAsync();
            backends.Remove(first);
            await ServerHealth.WaitAsync(portico, "pool@file", stickyUrl, healthy: false);
            var (other, rewritten) = await SendAsync(portico, cookie);
            Assert.NotEqual(first, other);
            Assert.NotNull(rewritten);
            var newCookie = rewritten.Split(';')[0];
            Assert.NotEqual(cookie, newCookie);
            Assert.Equal(other, (await SendAsync(portico, newCookie)).Name);
        }
        finally
        {
            foreach (var backend in backends.Values)
            {
                await backend.DisposeAsync();
            }
        }
    }

    private static async Task<(string Name, string? SetCookie)> SendAsync(PorticoHost portico, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, portico.Url());
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Single() : null;
        return (await response.Content.ReadAsStringAsync(), setCookie);
    }
}

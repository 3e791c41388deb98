using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Routing;

/// <summary>Router and entry-point middleware chains, and entry-point redirections, through real listeners.</summary>
public sealed class MiddlewareChainTests
{
    [Fact]
    public async Task ChainRewritesThePathAndHeadersInOrderAsync()
    {
        await using var backend = await Backend.StartAsync(async context =>
        {
            context.Response.Headers["X-Backend-Only"] = "secret";
            context.Response.Headers["X-Kept"] = "kept";
            await context.Response.WriteAsync(string.Join("|",
                context.Request.Path.Value,
                context.Request.Headers["X-Forwarded-Prefix"].ToString(),
                context.Request.Headers["X-Custom"].ToString(),
                context.Request.Headers.ContainsKey("X-Remove-Me") ? "present" : "absent",
                context.Request.Headers["X-Entry"].ToString()));
        });
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                http:
                  middlewares: ["entry-tag@file"]
            """, $"""
            http:
              routers:
                chained:
                  rule: "PathPrefix(`/shop`)"
                  service: backend
                  middlewares: [strip, add, headers]
              middlewares:
                entry-tag:
                  headers:
                    customRequestHeaders:
                      X-Entry: "from-entrypoint"
                strip:
                  stripPrefix:
                    prefixes: ["/shop"]
                add:
                  addPrefix:
                    prefix: "/v1"
                headers:
                  headers:
                    customRequestHeaders:
                      X-Custom: "set"
                      X-Remove-Me: ""
                    customResponseHeaders:
                      X-Backend-Only: ""
                      X-Added: "added"
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), "/shop/cart"));
        request.Headers.Add("X-Remove-Me", "client-value");
        using var response = await portico.Client.SendAsync(request).WaitAsync(PorticoHost.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1/cart|/shop|set|absent|from-entrypoint", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("X-Backend-Only"));
        Assert.Equal("added", response.Headers.GetValues("X-Added").Single());
        Assert.Equal("kept", response.Headers.GetValues("X-Kept").Single());
    }

    public static TheoryData<string, string, HttpStatusCode> Redirects => new()
    {
        { "GET is answered 301", "GET", HttpStatusCode.MovedPermanently },
        { "POST is answered 308 so the method is kept", "POST", HttpStatusCode.PermanentRedirect },
    };

    [Theory]
    [MemberData(nameof(Redirects))]
    public async Task EntryPointRedirectionPointsAtTheTargetEntryPointAsync(string scenario, string method, HttpStatusCode expected)
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync("served"));
        // The Location names the target entry point's configured port, so that entry point needs a real, known port.
        var securePort = FreePort.Get();
        await using var portico = await PorticoHost.StartAsync($"""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                http:
                  redirections:
                    entryPoint:
                      to: websecure
                      scheme: https
              websecure:
                address: "127.0.0.1:{securePort}"
            """, $"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: backend
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        using var response = await portico.SendAsync("shop.example.com:1234", "/path/x?a=1", method: new HttpMethod(method));
        Assert.True(expected == response.StatusCode, $"{scenario}: got {(int)response.StatusCode}");
        Assert.Equal($"https://shop.example.com:{securePort}/path/x?a=1", response.Headers.Location?.OriginalString);
        Assert.Equal((HttpStatusCode.OK, "served"), await portico.GetAsync("shop.example.com", "/path", "websecure"));
    }
}

using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Routing;

/// <summary>Routers bound to entry points, <c>asDefault</c>, and the static <c>core.defaultRuleSyntax</c>.</summary>
public sealed class EntryPointBindingTests
{
    [Fact]
    public async Task RoutersServeOnlyTheirEntryPointsAndUnboundRoutersServeAllAsync()
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync(context.Request.Path));
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
              admin:
                address: "127.0.0.1:0"
            """, $"""
            http:
              routers:
                only-admin:
                  entryPoints: [admin]
                  rule: "PathPrefix(`/admin`)"
                  service: backend
                everywhere:
                  rule: "PathPrefix(`/public`)"
                  service: backend
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        Assert.Equal((HttpStatusCode.OK, "/admin"), await portico.GetAsync("x.test", "/admin", "admin"));
        Assert.Equal((HttpStatusCode.NotFound, "404 page not found\n"), await portico.GetAsync("x.test", "/admin", "web"));
        Assert.Equal((HttpStatusCode.OK, "/public"), await portico.GetAsync("x.test", "/public", "web"));
        Assert.Equal((HttpStatusCode.OK, "/public"), await portico.GetAsync("x.test", "/public", "admin"));
    }

    [Fact]
    public async Task RoutersWithoutEntryPointsUseOnlyTheAsDefaultOnesAsync()
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                asDefault: true
              internal:
                address: "127.0.0.1:0"
            """, $"""
            http:
              routers:
                implicit:
                  rule: "PathPrefix(`/`)"
                  service: backend
                explicit:
                  entryPoints: [internal]
                  rule: "PathPrefix(`/internal`)"
                  service: backend
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        Assert.Equal(HttpStatusCode.OK, (await portico.GetAsync("x.test", "/", "web")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await portico.GetAsync("x.test", "/", "internal")).Status);
        Assert.Equal(HttpStatusCode.OK, (await portico.GetAsync("x.test", "/internal", "internal")).Status);
    }

    [Fact]
    public async Task DefaultRuleSyntaxV2AppliesToRoutersWithoutTheirOwnSyntaxAsync()
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync(context.Request.Headers["X-Router"].ToString()));
        await using var portico = await PorticoHost.StartAsync("""
            core:
              defaultRuleSyntax: v2
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, $$"""
            http:
              routers:
                v2-default:
                  rule: "Host(`one.test`, `two.test`) && PathPrefix(`/items/{id:[0-9]+}`)"
                  service: backend
                  middlewares: [tag-v2]
                v3-explicit:
                  ruleSyntax: v3
                  rule: "Host(`three.test`) && Header(`X-A`, `b`) || Host(`four.test`)"
                  service: backend
                  middlewares: [tag-v3]
              middlewares:
                tag-v2:
                  headers:
                    customRequestHeaders:
                      X-Router: v2
                tag-v3:
                  headers:
                    customRequestHeaders:
                      X-Router: v3
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """);

        Assert.Equal((HttpStatusCode.OK, "v2"), await portico.GetAsync("two.test", "/items/12/details"));
        Assert.Equal(HttpStatusCode.NotFound, (await portico.GetAsync("two.test", "/items/abc")).Status);
        Assert.Equal((HttpStatusCode.OK, "v3"), await portico.GetAsync("four.test", "/"));
        var router = portico.Runtime.Current.Status.Routers.Single(r => r.Name == "v2-default@file");
        Assert.Equal("enabled", router.Status);
    }
}

using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Routing;

/// <summary>Traefik's order: entry point middlewares, then the router's, then the service's own (3.7), then the service.</summary>
public sealed class MiddlewareOrderTests
{
    [Fact]
    public async Task EntryPointThenRouterThenServiceMiddlewaresRunInThatOrderAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
                http:
                  middlewares: ["ep@file"]
            """, $"""
            http:
              routers:
                r:
                  rule: "PathPrefix(`/`)"
                  service: svc
                  middlewares: [router, chained]
              middlewares:
                ep:
                  addPrefix:
                    prefix: "/ep"
                router:
                  addPrefix:
                    prefix: "/router"
                chained:
                  chain:
                    middlewares: [inner1, inner2]
                inner1:
                  addPrefix:
                    prefix: "/c1"
                inner2:
                  addPrefix:
                    prefix: "/c2"
                service:
                  addPrefix:
                    prefix: "/service"
              services:
                svc:
                  middlewares: [service]
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        var (status, _) = await portico.GetAsync("order.test", "/x");

        Assert.Equal(HttpStatusCode.OK, status);

        // Each addPrefix puts its prefix in front, so the last to run is leftmost.
        Assert.Equal("/service/c2/c1/router/ep/x", backend.Seen.Single().Path);
    }

    [Fact]
    public async Task AServiceRunsItsOwnMiddlewaresAlsoWhenAParentServiceChoosesItAsync()
    {
        await using var backend = await RecordingBackend.StartAsync();
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, $"""
            http:
              routers:
                r:
                  rule: "PathPrefix(`/`)"
                  service: split
              middlewares:
                tag:
                  addPrefix:
                    prefix: "/child"
              services:
                split:
                  weighted:
                    services:
                      - name: child
                        weight: 1
                child:
                  middlewares: [tag]
                  loadBalancer:
                    servers:
                      - url: "{backend.Url}"
            """);

        var (status, _) = await portico.GetAsync("order.test", "/x");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/child/x", backend.Seen.Single().Path);
    }
}

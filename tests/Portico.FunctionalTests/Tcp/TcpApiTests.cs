using System.Net;
using System.Text.Json;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Tcp;

public sealed class TcpApiTests
{
    [Fact]
    public async Task TcpRoutersAndServicesAreListedWithTheirStatusAsync()
    {
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              traefik:
                address: "127.0.0.1:0"
              tcp:
                address: "127.0.0.1:0"
            api:
              insecure: true
            """, """
            tcp:
              routers:
                db:
                  entryPoints: [tcp]
                  rule: "HostSNI(`*`)"
                  service: db
                broken:
                  entryPoints: [tcp]
                  rule: "HostSNI(`*`)"
                  service: missing
              services:
                db:
                  loadBalancer:
                    servers: [{address: "127.0.0.1:1"}]
            """);

        using var routers = JsonDocument.Parse(await portico.Client.GetStringAsync(new Uri(portico.Url("traefik"), "/api/tcp/routers")));
        var byName = routers.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal("enabled", byName["db@file"].GetProperty("status").GetString());
        Assert.Equal("disabled", byName["broken@file"].GetProperty("status").GetString());
        Assert.Contains("does not exist", byName["broken@file"].GetProperty("error")[0].GetString(), StringComparison.Ordinal);

        using var service = JsonDocument.Parse(await portico.Client.GetStringAsync(new Uri(portico.Url("traefik"), "/api/tcp/services/db@file")));
        Assert.Equal("127.0.0.1:1", service.RootElement.GetProperty("loadBalancer").GetProperty("servers")[0].GetProperty("address").GetString());
        Assert.Equal("db@file", service.RootElement.GetProperty("usedBy")[0].GetString());

        using var missing = await portico.Client.GetAsync(new Uri(portico.Url("traefik"), "/api/tcp/routers/nope@file"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}

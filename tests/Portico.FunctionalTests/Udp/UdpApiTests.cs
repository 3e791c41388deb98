using System.Net;
using System.Text.Json;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Udp;

public sealed class UdpApiTests
{
    [Fact]
    public async Task UdpRoutersAndServicesAreListedWithTheirStatusAsync()
    {
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              traefik:
                address: "127.0.0.1:0"
              dns:
                address: "127.0.0.1:0/udp"
            api:
              insecure: true
            """, """
            udp:
              routers:
                dns:
                  entryPoints: [dns]
                  service: dns
                broken:
                  entryPoints: [dns]
                  service: missing
              services:
                dns:
                  loadBalancer:
                    servers: [{address: "127.0.0.1:5353"}]
            """);

        using var routers = JsonDocument.Parse(await portico.Client.GetStringAsync(new Uri(portico.Url("traefik"), "/api/udp/routers")));
        var byName = routers.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal("enabled", byName["dns@file"].GetProperty("status").GetString());
        Assert.Equal("dns", byName["dns@file"].GetProperty("using")[0].GetString());
        Assert.Equal("disabled", byName["broken@file"].GetProperty("status").GetString());
        Assert.Contains("the service \"missing@file\" does not exist", byName["broken@file"].GetProperty("error")[0].GetString(), StringComparison.Ordinal);

        using var service = JsonDocument.Parse(await portico.Client.GetStringAsync(new Uri(portico.Url("traefik"), "/api/udp/services/dns@file")));
        Assert.Equal("127.0.0.1:5353", service.RootElement.GetProperty("loadBalancer").GetProperty("servers")[0].GetProperty("address").GetString());
        Assert.Equal("dns@file", service.RootElement.GetProperty("usedBy")[0].GetString());

        using var overview = JsonDocument.Parse(await portico.Client.GetStringAsync(new Uri(portico.Url("traefik"), "/api/overview")));
        Assert.Equal(2, overview.RootElement.GetProperty("udp").GetProperty("routers").GetProperty("total").GetInt32());

        using var missing = await portico.Client.GetAsync(new Uri(portico.Url("traefik"), "/api/udp/routers/nope@file"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}

using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Routing;

public sealed class ProxyBasicsTests
{
    private const string Static = """
        entryPoints:
          web:
            address: "127.0.0.1:0"
        """;

    [Fact]
    public async Task ForwardsToTheMatchedServiceAndAnswers404OtherwiseAsync()
    {
        await using var a = await Backend.NamedAsync("a");
        await using var b = await Backend.NamedAsync("b");
        await using var portico = await PorticoHost.StartAsync(Static, $"""
            http:
              routers:
                to-a:
                  rule: "Host(`a.test`)"
                  service: a
                to-b:
                  rule: "Host(`b.test`) && PathPrefix(`/b`)"
                  service: b
              services:
                a:
                  loadBalancer:
                    servers:
                      - url: "{a.Url}"
                b:
                  loadBalancer:
                    servers:
                      - url: "{b.Url}"
            """);

        Assert.Equal("a", await GetAsync(portico, "a.test", "/anything"));
        Assert.Equal("b", await GetAsync(portico, "b.test", "/b/x"));
        using var notFound = await SendAsync(portico, "b.test", "/other");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("404 page not found\n", await notFound.Content.ReadAsStringAsync());
    }

    private static async Task<string> GetAsync(PorticoHost portico, string host, string path)
    {
        using var response = await SendAsync(portico, host, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static Task<HttpResponseMessage> SendAsync(PorticoHost portico, string host, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portico.Url(), path));
        request.Headers.Host = host;
        return portico.Client.SendAsync(request);
    }
}

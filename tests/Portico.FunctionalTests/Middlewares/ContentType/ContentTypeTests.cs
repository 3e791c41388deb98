using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.ContentType;

/// <summary>contentType sniffs untyped responses; without it Portico adds no Content-Type at all.</summary>
public sealed class ContentTypeTests
{
    [Theory]
    [InlineData("/sniff/page", "<!DOCTYPE html><html><body>hi</body></html>", "text/html; charset=utf-8")]
    [InlineData("/sniff/data", "{\"a\":1}", "text/plain; charset=utf-8")]
    [InlineData("/plain/page", "<!DOCTYPE html><html><body>hi</body></html>", null)]
    public async Task OnlyTheMiddlewareAddsAContentTypeAsync(string path, string body, string? expected)
    {
        await using var backend = await Backend.StartAsync(context => context.Response.WriteAsync(context.Request.Path.Value!.EndsWith("/data", StringComparison.Ordinal) ? "{\"a\":1}" : "<!DOCTYPE html><html><body>hi</body></html>"));
        await using var portico = await PorticoHost.StartAsync("""
            entryPoints:
              web:
                address: "127.0.0.1:0"
            """, $$"""
            http:
              routers:
                sniff:
                  rule: "PathPrefix(`/sniff`)"
                  service: backend
                  middlewares: [detect]
                plain:
                  rule: "PathPrefix(`/plain`)"
                  service: backend
              middlewares:
                detect:
                  contentType: {}
              services:
                backend:
                  loadBalancer:
                    servers:
                      - url: "{{backend.Url}}"
            """);

        using var response = await portico.SendAsync("example.com", path);

        Assert.Equal(body, await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
        Assert.Equal(expected, response.Content.Headers.ContentType?.ToString());
    }
}

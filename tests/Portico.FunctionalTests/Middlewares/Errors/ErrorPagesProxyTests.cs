using System.Net;
using Microsoft.AspNetCore.Http;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Middlewares.Errors;

/// <summary><c>errors</c> through a real listener, with a real error-page backend.</summary>
public sealed class ErrorPagesProxyTests
{
    [Fact]
    public async Task MatchingStatusesGetTheErrorServicePageAsync()
    {
        await using var app = await Backend.StartAsync(async context =>
        {
            var status = int.Parse(context.Request.Path.Value!.Trim('/'), System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = status;
            context.Response.Headers["X-App"] = "1";
            await context.Response.WriteAsync($"app answer {status}");
        });
        await using var pages = await Backend.StartAsync(context =>
            context.Response.WriteAsync($"page {context.Request.Method} {context.Request.Path}{context.Request.QueryString} host={context.Request.Headers.Host}"));
        await using var portico = await PorticoHost.StartAsync("entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n", $$"""
            http:
              routers:
                app:
                  rule: "PathPrefix(`/`)"
                  service: app
                  middlewares: [pages]
              middlewares:
                pages:
                  errors:
                    status: ["500-599", "404"]
                    statusRewrites:
                      "502-504": 500
                    service: pages
                    query: "/{status}.html?was={originalStatus}"
              services:
                app:
                  loadBalancer:
                    servers:
                      - url: "{{app.Url}}"
                pages:
                  loadBalancer:
                    servers:
                      - url: "{{pages.Url}}"
            """);

        foreach (var (status, expectedStatus, expectedBody) in new[]
        {
            (200, HttpStatusCode.OK, "app answer 200"),
            (403, HttpStatusCode.Forbidden, "app answer 403"),
            (404, HttpStatusCode.NotFound, "page GET /404.html?was=404 host=errors.example"),
            (503, HttpStatusCode.InternalServerError, "page GET /500.html?was=503 host=errors.example"),
            (501, HttpStatusCode.NotImplemented, "page GET /501.html?was=501 host=errors.example"),
        })
        {
            using var response = await portico.SendAsync("errors.example", $"/{status}", method: HttpMethod.Post);
            Assert.Equal(expectedStatus, response.StatusCode);
            Assert.Equal(expectedBody, await response.Content.ReadAsStringAsync().WaitAsync(PorticoHost.Timeout));
            Assert.Equal(status is 200 or 403, response.Headers.Contains("X-App"));
        }
    }
}

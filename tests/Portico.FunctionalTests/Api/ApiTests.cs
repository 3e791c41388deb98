using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Api;

/// <summary>
/// The internal API on the <c>traefik</c> entry point (<c>api.insecure</c>), compared with golden files: the shapes are
/// Traefik's, so tools written for Traefik's API read Portico's.
/// </summary>
public sealed class ApiTests : IAsyncLifetime
{
    private const string Dynamic = """
        http:
          routers:
            app:
              rule: "Host(`app.test`) && PathPrefix(`/api`)"
              entryPoints: [web]
              middlewares: [strip, add-header]
              service: app
            weighted-router:
              rule: "Host(`w.test`)"
              priority: 42
              service: split
            broken:
              rule: "Host(`broken.test`)"
              service: missing
          services:
            app:
              loadBalancer:
                servers:
                  - url: "http://127.0.0.1:1"
                  - url: "http://127.0.0.1:2"
                    weight: 3
                passHostHeader: false
            split:
              weighted:
                services:
                  - name: app
                    weight: 1
          middlewares:
            strip:
              stripPrefix:
                prefixes: ["/api"]
            add-header:
              headers:
                customRequestHeaders:
                  X-Test: "1"
            unused:
              addPrefix:
                prefix: "/v1"
        """;

    private PorticoHost _portico = null!;

    public static TheoryData<string, string> Endpoints => new()
    {
        { "version", "/api/version" },
        { "overview", "/api/overview" },
        { "rawdata", "/api/rawdata" },
        { "entrypoints", "/api/entrypoints" },
        { "entrypoint-web", "/api/entrypoints/web" },
        { "routers", "/api/http/routers" },
        { "router-app", "/api/http/routers/app@file" },
        { "router-broken", "/api/http/routers/broken@file" },
        { "services", "/api/http/services" },
        { "service-app", "/api/http/services/app@file" },
        { "service-split", "/api/http/services/split@file" },
        { "middlewares", "/api/http/middlewares" },
        { "middleware-strip", "/api/http/middlewares/strip@file" },
    };

    public async Task InitializeAsync()
    {
        _portico = await PorticoHost.StartAsync(
            """
            entryPoints:
              web:
                address: "127.0.0.1:0"
              traefik:
                address: "127.0.0.1:0"
            api:
              insecure: true
              dashboard: true
            ping: {}
            """,
            Dynamic);
    }

    public async Task DisposeAsync() => await _portico.DisposeAsync();

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task ApiAnswersMatchTheGoldenFilesAsync(string golden, string path)
    {
        using var response = await _portico.Client.GetAsync(new Uri(_portico.Url("traefik"), path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        GoldenJson.AssertMatches(golden, await response.Content.ReadAsStringAsync(), new Dictionary<string, string>
        {
            [Environment.MachineName] = "<hostname>",
        });
    }

    [Theory]
    [InlineData("/api/http/routers/nope@file")]
    [InlineData("/api/http/routers/app")]
    [InlineData("/api/http/services/nope@file")]
    [InlineData("/api/http/middlewares/nope@file")]
    [InlineData("/api/entrypoints/nope")]
    [InlineData("/api/nothing-here")]
    public async Task UnknownNamesAre404Async(string path)
    {
        using var response = await _portico.Client.GetAsync(new Uri(_portico.Url("traefik"), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheApiIsNotOnOtherEntryPointsAsync()
    {
        using var response = await _portico.Client.GetAsync(new Uri(_portico.Url("web"), "/api/version"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DashboardServesItsPageAndTheRootRedirectsToItAsync()
    {
        var traefik = _portico.Url("traefik");
        using var page = await _portico.Client.GetAsync(new Uri(traefik, "/dashboard/"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<title>Portico dashboard</title>", html, StringComparison.Ordinal);
        Assert.Contains("const base = \"\";", html, StringComparison.Ordinal);

        foreach (var path in new[] { "/", "/dashboard" })
        {
            using var redirect = await _portico.Client.GetAsync(new Uri(traefik, path));
            Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
            Assert.Equal("/dashboard/", redirect.Headers.Location?.OriginalString);
        }
    }

    [Fact]
    public async Task PingAnswersOkOnTheTraefikEntryPointAsync()
    {
        var url = new Uri(_portico.Url("traefik"), "/ping");
        using var get = await _portico.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("OK", await get.Content.ReadAsStringAsync());

        using var head = await _portico.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }
}

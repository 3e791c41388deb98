using System.Net;
using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Api;

/// <summary><c>api.basePath</c> moves the API and the dashboard; ping stays at <c>/ping</c> with its own terminating status.</summary>
public sealed class ApiBasePathTests
{
    [Theory]
    [InlineData("/traefik/api/version", HttpStatusCode.OK)]
    [InlineData("/traefik/api/http/routers", HttpStatusCode.OK)]
    [InlineData("/traefik/api/entrypoints/web", HttpStatusCode.OK)]
    [InlineData("/traefik/dashboard/", HttpStatusCode.OK)]
    [InlineData("/api/version", HttpStatusCode.NotFound)]
    [InlineData("/dashboard/", HttpStatusCode.NotFound)]
    [InlineData("/ping", HttpStatusCode.OK)]
    public async Task EverythingMovesUnderTheBasePathButPingAsync(string path, HttpStatusCode expected)
    {
        await using var portico = await StartAsync();

        using var response = await portico.Client.GetAsync(new Uri(portico.Url("traefik"), path));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task TheDashboardUsesTheBasePathAsync()
    {
        await using var portico = await StartAsync();
        var traefik = portico.Url("traefik");

        using var redirect = await portico.Client.GetAsync(new Uri(traefik, "/traefik/"));
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal("/traefik/dashboard/", redirect.Headers.Location?.OriginalString);
        var html = await portico.Client.GetStringAsync(new Uri(traefik, "/traefik/dashboard/"));
        Assert.Contains("const base = \"/traefik\";", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PingAnswersItsTerminatingStatusOnceShutdownBeginsAsync()
    {
        await using var portico = await StartAsync();
        var ping = new Uri(portico.Url("traefik"), "/ping");

        using (var before = await portico.Client.GetAsync(ping))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        portico.Lifecycle.BeginTermination();
        using var after = await portico.Client.GetAsync(ping);
        Assert.Equal((HttpStatusCode)299, after.StatusCode);
        Assert.Equal("Terminating", await after.Content.ReadAsStringAsync());
    }

    private static Task<PorticoHost> StartAsync() => PorticoHost.StartAsync(
        """
        entryPoints:
          web:
            address: "127.0.0.1:0"
          traefik:
            address: "127.0.0.1:0"
        api:
          insecure: true
          dashboard: true
          basePath: /traefik
        ping:
          terminatingStatusCode: 299
        """,
        "http: {}");
}
